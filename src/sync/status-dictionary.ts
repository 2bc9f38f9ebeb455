// One external system's status codes, both ways: its codes to canonical statuses and back. Pure.
import { expectObject, ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { StatusCodeError } from '../errors/status-error.js';
import { failure, success, type Result } from '../errors/result.js';
import { ORDER_STATUSES, type OrderStatus } from '../orders/order-statuses.js';

/** The declaration passed to {@link defineStatusDictionary}. `S` is the canonical status type. */
export interface StatusDictionaryConfig<S extends string = OrderStatus> {
  /** The external system, e.g. `wms`, `finance`, `tmall`; named in every error. */
  readonly system: string;
  /** Every code the system sends, to its canonical status. Several codes may share one status. */
  readonly toCanonical: Readonly<Record<string, NoInfer<S>>>;
  /**
   * The code Ordo sends for each canonical status, or `null` for a status the system has no
   * code for (explicitly unmapped). May be left out for a status exactly one inbound code maps
   * to: that code is the answer. The code need not read back as the same status (a marketplace
   * shows `approved` and `allocated` as its "paid"); it must be one of `toCanonical`'s codes,
   * so that what Ordo sends can always be read back.
   */
  readonly fromCanonical?: Readonly<Partial<Record<NoInfer<S>, string | null>>>;
  /**
   * The canonical statuses, when a machine extends the default lifecycle.
   * @default ORDER_STATUSES
   */
  readonly statuses?: readonly S[];
}

/** A checked, frozen status dictionary. */
export interface StatusDictionary<S extends string = OrderStatus> {
  readonly system: string;
  /** The codes the system sends, in declaration order. */
  readonly codes: readonly string[];
  /** The canonical statuses this dictionary was checked against. */
  readonly statuses: readonly S[];
  /** The canonical statuses the system has no code for. */
  readonly unmapped: readonly S[];
  /** True when the system sends this code. */
  knows(code: string | number): boolean;
  /** The canonical status of a code; throws {@link StatusCodeError} `UNKNOWN_STATUS_CODE` for any other code. */
  toCanonical(code: string | number): S;
  /** The code to send for a canonical status; throws {@link StatusCodeError} (`UNMAPPED_STATUS` or `UNKNOWN_STATUS_CODE`). */
  fromCanonical(status: S): string;
  /** {@link toCanonical} as a result, for batches. */
  readCode(code: unknown): Result<S, StatusCodeError>;
  /** {@link fromCanonical} as a result, for batches. */
  writeStatus(status: unknown): Result<string, StatusCodeError>;
  /**
   * What the system can hold of a canonical status: the status its code for `status` reads back
   * as (`approved` on a marketplace that shows it as "paid" projects to `paid`); `undefined` when
   * unmapped. Two sides agree when their projections do; the field diff compares this way.
   * @throws StatusCodeError `UNKNOWN_STATUS_CODE` for a status that is not canonical.
   */
  project(status: S): S | undefined;
  /** The declaration, complete (derived reverse codes included): JSON for storage or review. */
  toJSON(): { system: string; toCanonical: Record<string, S>; fromCanonical: Record<string, string | null> };
}

const SYSTEM_ID = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

/**
 * Declares one system's status dictionary and checks it whole: every problem at once, each
 * with its path (`toCanonical.SHIPPD`, `fromCanonical.on_hold`). Checks: every inbound status is
 * canonical; every canonical status has a code or is marked `null`; a status several codes
 * share names which one Ordo sends; every code Ordo sends is one it can read back; a status
 * with codes of its own is sent as one of them.
 *
 * @throws ValidationError `INVALID_OPTIONS` listing every problem.
 * @example
 * const wms = defineStatusDictionary({
 *   system: 'wms',
 *   toCanonical: { NEW: 'allocated', PICKING: 'picking', PACKED: 'packed', OUT: 'shipped', CANCELLED: 'cancelled' },
 *   fromCanonical: { pending_payment: null, paid: null, on_hold: null, approved: null, partially_shipped: 'OUT', delivered: 'OUT',
 *     completed: 'OUT', rejected: 'CANCELLED', return_requested: null, returned: null, refunded: null, exception: null },
 * });
 * wms.toCanonical('OUT') // 'shipped'
 * wms.fromCanonical('picking') // 'PICKING'
 */
export function defineStatusDictionary<S extends string = OrderStatus>(config: StatusDictionaryConfig<S>): StatusDictionary<S> {
  expectObject('defineStatusDictionary config', config);
  const issues: ValidationIssue[] = [];
  const issue = (code: string, path: (string | number)[], message: string): void => {
    issues.push({ code, path, message });
  };
  const system = typeof config.system === 'string' && SYSTEM_ID.test(config.system) ? config.system : undefined;
  if (system === undefined) issue('invalid_value', ['system'], 'Expected a system name such as "wms" (letters, digits, _ . : -, starting with a letter)');
  const subject = `${system ?? 'system'} status dictionary`;

  const statuses: readonly S[] = config.statuses ?? (ORDER_STATUSES as readonly string[] as readonly S[]);
  if (!Array.isArray(statuses) || statuses.length === 0 || statuses.some((s) => typeof s !== 'string' || s === '')) {
    throw new ValidationError(subject, [{ code: 'invalid_value', path: ['statuses'], message: 'Expected a non-empty list of canonical status names' }], { code: 'INVALID_OPTIONS' });
  }
  const canonical = new Set<string>(statuses);

  const inbound = new Map<string, S>();
  const codesOf = new Map<S, string[]>();
  if (typeof config.toCanonical !== 'object' || config.toCanonical === null || Array.isArray(config.toCanonical) || Object.keys(config.toCanonical).length === 0) {
    issue('invalid_value', ['toCanonical'], 'Expected at least one system code mapped to a canonical status');
  } else {
    for (const [code, status] of Object.entries(config.toCanonical)) {
      if (code.trim() === '' || code !== code.trim()) {
        issue('invalid_value', ['toCanonical', code], 'Expected a code without surrounding spaces (codes are compared exactly)');
      } else if (typeof status !== 'string' || !canonical.has(status)) {
        issue('unknown_status', ['toCanonical', code], `Expected a canonical status (${statuses.join(', ')})`);
      } else {
        inbound.set(code, status);
        const list = codesOf.get(status) ?? [];
        list.push(code);
        codesOf.set(status, list);
      }
    }
  }

  const declared = config.fromCanonical ?? {};
  if (typeof declared !== 'object' || declared === null || Array.isArray(declared)) {
    issue('invalid_value', ['fromCanonical'], 'Expected an object: canonical status to the code Ordo sends, or null for none');
  }
  const outbound = new Map<S, string | null>();
  const reported = new Set<string>();
  if (typeof declared === 'object' && declared !== null) {
    for (const [status, code] of Object.entries(declared as Record<string, unknown>)) {
      if (!canonical.has(status)) {
        issue('unknown_status', ['fromCanonical', status], `Not a canonical status (${statuses.join(', ')})`);
      } else if (code === null) {
        outbound.set(status as S, null);
      } else if (typeof code !== 'string' || !inbound.has(code)) {
        reported.add(status);
        issue('unknown_code', ['fromCanonical', status], `Expected one of the codes in toCanonical (${[...inbound.keys()].join(', ')}), or null for none: Ordo must be able to read back what it sends`);
      } else if ((codesOf.get(status as S)?.length ?? 0) > 0 && inbound.get(code) !== status) {
        reported.add(status);
        issue('inconsistent_reverse', ['fromCanonical', status], `${code} means ${String(inbound.get(code))}, but ${status} has its own code (${(codesOf.get(status as S) ?? []).join(', ')}): send that`);
      } else {
        outbound.set(status as S, code);
      }
    }
  }
  for (const status of statuses) {
    if (outbound.has(status) || reported.has(status)) continue;
    const codes = codesOf.get(status) ?? [];
    if (codes.length === 1) outbound.set(status, codes[0] as string);
    else if (codes.length > 1) issue('ambiguous_reverse', ['fromCanonical', status], `Codes ${codes.join(', ')} all mean ${status}: name the one Ordo sends`);
    else if (inbound.size > 0) issue('unmapped_status', ['fromCanonical', status], `No code means ${status}: map it to the code Ordo sends, or set it to null if ${system ?? 'the system'} has none`);
  }
  if (issues.length > 0) throw new ValidationError(subject, issues, { code: 'INVALID_OPTIONS' });

  const name = system as string;
  const codes = Object.freeze([...inbound.keys()]);
  const unmapped = Object.freeze(statuses.filter((status) => outbound.get(status) === null));
  const readCode = (code: unknown): Result<S, StatusCodeError> => {
    const key = typeof code === 'string' ? code : typeof code === 'number' && Number.isFinite(code) ? String(code) : undefined;
    const status = key === undefined ? undefined : inbound.get(key);
    if (status !== undefined) return success(status);
    return failure(new StatusCodeError('UNKNOWN_STATUS_CODE', { system: name, direction: 'inbound', value: code, known: codes }));
  };
  const writeStatus = (status: unknown): Result<string, StatusCodeError> => {
    const code = typeof status === 'string' ? outbound.get(status as S) : undefined;
    if (typeof code === 'string') return success(code);
    if (code === null) return failure(new StatusCodeError('UNMAPPED_STATUS', { system: name, direction: 'outbound', value: status, known: statuses }));
    return failure(new StatusCodeError('UNKNOWN_STATUS_CODE', { system: name, direction: 'outbound', value: status, known: statuses }));
  };
  const unwrap = <T>(result: Result<T, StatusCodeError>): T => {
    if (result.ok) return result.value;
    throw result.error;
  };
  const json = {
    system: name,
    toCanonical: Object.fromEntries(inbound) as Record<string, S>,
    fromCanonical: Object.fromEntries(statuses.map((status) => [status, outbound.get(status) ?? null])) as Record<string, string | null>,
  };

  return Object.freeze({
    system: name,
    codes,
    statuses: Object.freeze([...statuses]),
    unmapped,
    knows: (code: string | number) => readCode(code).ok,
    toCanonical: (code: string | number) => unwrap(readCode(code)),
    fromCanonical: (status: S) => unwrap(writeStatus(status)),
    readCode,
    writeStatus,
    project(status: S): S | undefined {
      const written = writeStatus(status);
      if (written.ok) return inbound.get(written.value);
      if (written.error.code === 'UNMAPPED_STATUS') return undefined;
      throw written.error;
    },
    toJSON: () => structuredClone(json),
  });
}

/** True for a value made by {@link defineStatusDictionary} (or shaped like one). */
export function isStatusDictionary(value: unknown): value is StatusDictionary<string> {
  const candidate = value as Partial<StatusDictionary<string>> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.system === 'string' && typeof candidate.readCode === 'function' && typeof candidate.project === 'function';
}
