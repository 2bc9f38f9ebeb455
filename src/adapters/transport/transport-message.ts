// What every transport adapter checks of a message and a subscription before touching its broker.
import { z } from 'zod';
import { option } from '../../errors/options.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { SubscribeOptions, TransportMessage } from '../../ports/transport-port.js';

/** A message's id and topic: data, so a bad one is `VALIDATION_FAILED` with its path. */
export function checkMessage(message: unknown): asserts message is TransportMessage {
  if (typeof message !== 'object' || message === null) {
    throw new ValidationError('transport message', [{ code: 'invalid_type', path: [], message: 'Expected a message object { id, topic, key, payload }' }]);
  }
  const record = message as Record<string, unknown>;
  const issues = (['id', 'topic'] as const)
    .filter((key) => typeof record[key] !== 'string' || record[key] === '')
    .map((key) => ({ code: 'invalid_type', path: [key], message: 'Expected a non-empty string' }));
  if (issues.length > 0) throw new ValidationError('transport message', issues);
}

/** The options of `subscribe`, checked alike by every transport. */
export const subscribeSchema = z.strictObject({
  topic: option.text(),
  group: option.text(),
  handler: option.fn<SubscribeOptions['handler']>(),
  maxAttempts: option.positiveInt().optional(),
  concurrency: option.positiveInt().optional(),
});

/** The options of `declareGroup`, checked alike by every transport. */
export const declareSchema = z.strictObject({ group: option.text(), topics: z.array(option.text()).min(1) });
