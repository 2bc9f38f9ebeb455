import { describeInput, maskDriverText, quoteCode } from '../../src/errors/entry.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConcurrencyError,
  OrdoError,
  StorageError,
  TransitionError,
  ValidationError,
  hasErrorCode,
  isConcurrencyError,
  isOrdoError,
  isValidationError,
  maskAddress,
  maskEmail,
  maskIdNumber,
  maskName,
  maskPhone,
} from '../../src/errors/index.js';

describe('OrdoError', () => {
  it('carries a stable code, a name and the cause', () => {
    const cause = new Error('driver said no');
    const error = new StorageError('STORAGE_UNAVAILABLE', { operation: 'commit', message: 'connection refused', hint: 'is PostgreSQL running?' }, { cause });
    expect(error).toBeInstanceOf(OrdoError);
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect(error.name).toBe('StorageError');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('hint: is PostgreSQL running?');
    expect(error.toJSON()).toMatchObject({ name: 'StorageError', code: 'STORAGE_UNAVAILABLE' });
  });

  it('type guards recognise errors that crossed a realm (plain objects with the right name)', () => {
    const foreign = { name: 'ConcurrencyError', code: 'CONCURRENCY_CONFLICT', message: 'stale' };
    expect(isOrdoError(foreign)).toBe(true);
    expect(isConcurrencyError(foreign)).toBe(true);
    expect(isOrdoError({ name: 'Error', code: 'X' })).toBe(false);
    expect(isOrdoError(new Error('plain'))).toBe(false);
    expect(isOrdoError(null)).toBe(false);
  });

  it('hasErrorCode narrows to one code', () => {
    const error = new ConcurrencyError({ entity: 'order', id: 'o1', expectedVersion: 3, actualVersion: 4 });
    expect(hasErrorCode(error, 'CONCURRENCY_CONFLICT')).toBe(true);
    expect(hasErrorCode(error, 'DUPLICATE_KEY')).toBe(false);
    expect(error.message).toBe('Stale write to order o1: expected version 3 but found version 4; re-read and re-apply');
  });

  it('TransitionError names the status and the event', () => {
    const error = new TransitionError('ILLEGAL_TRANSITION', { orderId: 'o1', status: 'shipped', event: 'cancel' });
    expect(error.message).toContain('"cancel"');
    expect(error.message).toContain('"shipped"');
    expect(error.details).toMatchObject({ status: 'shipped', event: 'cancel' });
  });
});

describe('ValidationError', () => {
  it('converts zod issues with their paths and never includes the input value', () => {
    const schema = z.object({ phone: z.number(), lines: z.array(z.object({ quantity: z.number().int() })) });
    const result = schema.safeParse({ phone: '13812345678', lines: [{ quantity: 1.5 }] });
    expect(result.success).toBe(false);
    if (result.success) return;
    const error = ValidationError.fromZod('order', result.error);
    expect(isValidationError(error)).toBe(true);
    expect(error.issues.map((i) => i.path)).toEqual([['phone'], ['lines', 0, 'quantity']]);
    expect(error.message).not.toContain('13812345678');
    expect(error.message).toContain('lines.0.quantity');
  });

  it('summarises long issue lists', () => {
    const issues = Array.from({ length: 12 }, (_, i) => ({ code: 'custom', path: ['items', i], message: 'bad' }));
    expect(new ValidationError('batch', issues).message).toContain('and 7 more');
  });
});

describe('masking personal data', () => {
  it('masks phones, keeping the head and the last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+8613812345678')).toBe('+86138****5678');
    expect(maskPhone('123')).toBe('***');
  });
  it('masks ID numbers, names, addresses and emails', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('11**************2X');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('Li Lei')).toBe('L* ***');
    expect(maskAddress('浙江省杭州市西湖区文三路100号')).toBe('浙江省杭************');
    expect(maskEmail('li.lei@example.com')).toBe('l*****@example.com');
  });
});

describe('input quoted by shape, never by value', () => {
  it('messages read right whatever was passed: no "a undefined", no "a object"', async () => {
    expect([undefined, null, {}, [], 3, true].map((value) => describeInput(value))).toEqual(['nothing (undefined)', 'null', 'an object', 'an array', 'a number', 'a boolean']);
    const { promotionExpiryJob } = await import('../../src/ops/index.js');
    // An instant where a wall time and its zone belong: said so, not "a undefined is not a wall time".
    expect(() => promotionExpiryJob({ promotion: 'd11', endsAt: '2026-01-01T05:00:00.000Z' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining('{ local: "2026-01-01T00:00", zone: "America/New_York" }') }));
    for (const endsAt of [null, 42]) expect(() => promotionExpiryJob({ promotion: 'd11', endsAt: endsAt as never })).toThrow(expect.objectContaining({ message: expect.not.stringMatching(/a undefined|a object/) }));
    const { createOpsBoard } = await import('../../src/adapters/ops-board.js');
    // Named after the function the caller called.
    expect(() => createOpsBoard({ clock: {} } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringMatching(/^Invalid createOpsBoard options/) }));
  });

  it('describeInput keeps punctuation and length, never a digit or a letter', () => {
    expect(describeInput('19,90')).toBe('"99,99"');
    expect(describeInput('13912345678')).toBe('"99999999999"');
    expect(describeInput('王小明 Wang')).toBe('"*** Aaaa"');
    expect(describeInput('路'.repeat(50))).toBe(`"${'*'.repeat(40)}…" (50 characters)`);
    expect(describeInput(null)).toBe('null');
    expect(describeInput(12)).toBe('a number');
  });

  it('quoteCode quotes codes as sent and anything else by its shape', () => {
    expect(quoteCode('WAIT_SELLER_SEND_GOODS')).toBe('"WAIT_SELLER_SEND_GOODS"');
    expect(quoteCode(3)).toBe('"3"');
    expect(quoteCode('13912345678')).toBe('"99999999999"');
    expect(quoteCode(13912345678)).toBe('"99999999999"');
    expect(quoteCode('王小明')).toBe('"***"');
  });

  it('maskDriverText keeps SQL names and masks quoted values and key details', () => {
    expect(maskDriverText('duplicate key value violates unique constraint "orders_pkey"')).toBe('duplicate key value violates unique constraint "orders_pkey"');
    expect(maskDriverText('Key (phone)=(13912345678) already exists.')).toBe('Key (phone)=("99999999999") already exists.');
    expect(maskDriverText('invalid input syntax for type integer: "13912345678"')).toBe('invalid input syntax for type integer: "99999999999"');
    expect(maskDriverText("value 'Wang Lei' is bad")).toBe('value "Aaaa Aaa" is bad');
  });
});
