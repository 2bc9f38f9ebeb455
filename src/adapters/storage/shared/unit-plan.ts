// The one reading of a unit of work every adapter shares: its shape checked with paths, its
// changes listed in the order they apply, each named by the part an error will report.
import type { Instant } from '../../../clock/instant.js';
import type { UnitPart } from '../../../errors/unit-error.js';
import { isValidationError, ValidationError, type ValidationIssue } from '../../../errors/validation-error.js';
import { CUSTOMER_CHANGE_TYPES, type CustomerChange } from '../../../ports/customer-store-port.js';
import { INVENTORY_CHANGE_TYPES, type InventoryChange } from '../../../ports/inventory-port.js';
import { QUARANTINE_CHANGE_TYPES, type QuarantineChange } from '../../../ports/quarantine-port.js';
import { SETTING_CHANGE_TYPES, type SettingChange } from '../../../ports/settings-port.js';
import type { UnitOfWork } from '../../../ports/storage-port.js';
import { TASK_CHANGE_TYPES, type TaskChange } from '../../../ports/task-port.js';
import { requireCount } from './inventory-rows.js';

/** A change with the part that names it. */
export interface Planned<C> {
  readonly part: UnitPart;
  readonly change: C;
}

/** The changes beyond orders, outbox and idempotency, checked and in application order. */
export interface UnitPlan {
  /** The unit's instant; `''` only when no change needs one. */
  readonly at: Instant;
  readonly inventory: readonly Planned<InventoryChange>[];
  readonly tasks: readonly Planned<TaskChange>[];
  readonly customers: readonly Planned<CustomerChange>[];
  readonly quarantine: readonly Planned<QuarantineChange>[];
  readonly settings: readonly Planned<SettingChange>[];
  /** How many such changes there are. */
  readonly size: number;
}

const UNIT_KEYS = ['orders', 'outbox', 'idempotency', 'inventory', 'tasks', 'customers', 'quarantine', 'settings', 'at'];
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type Path = readonly (string | number)[];
type Record_ = Readonly<Record<string, unknown>>;

/** Collects issues about one unit. */
class Checker {
  readonly issues: ValidationIssue[] = [];

  constructor(private readonly maxCount: number) {}

  add(path: Path, code: string, message: string): void {
    this.issues.push({ code, path: [...path], message });
  }

  object(value: unknown, path: Path, what: string): value is Record_ {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true;
    this.add(path, 'invalid_type', `Expected ${what}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
    return false;
  }

  string(record: Record_, key: string, path: Path): void {
    const value = record[key];
    if (typeof value !== 'string' || value === '') this.add([...path, key], 'invalid_type', `Expected a non-empty string, got ${value === '' ? 'an empty string' : value === null ? 'null' : typeof value}`);
  }

  instant(record: Record_, key: string, path: Path, optional = false): void {
    const value = record[key];
    if (optional && value === undefined) return;
    if (typeof value !== 'string' || !CANONICAL_INSTANT.test(value)) this.add([...path, key], 'invalid_instant', 'Expected an Instant from the clock (YYYY-MM-DDTHH:mm:ss.sssZ)');
  }

  count(record: Record_, key: string, path: Path, positive: boolean): void {
    requireCount(record[key] as number, [...path, key], positive, this.issues, this.maxCount);
  }

  version(record: Record_, key: string, path: Path, nullable: boolean): void {
    const value = record[key];
    if (value === null && nullable) return;
    if (!Number.isSafeInteger(value) || (value as number) < 1) this.add([...path, key], 'invalid_version', `Expected a version (an integer from 1)${nullable ? ' or null' : ''}`);
  }

  strings(record: Record_, key: string, path: Path): void {
    const value = record[key];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) this.add([...path, key], 'invalid_type', 'Expected an array of strings');
  }

  array(record: Record_, key: string, path: Path): void {
    if (!Array.isArray(record[key])) this.add([...path, key], 'invalid_type', 'Expected an array');
  }
}

/** Checks one change's type and fields; returns it when its type is known. */
function checkChange(checker: Checker, store: string, types: readonly string[], value: unknown, path: Path): Record_ | undefined {
  if (!checker.object(value, path, `a ${store} change`)) return undefined;
  const type = value['type'];
  if (typeof type !== 'string' || !types.includes(type)) {
    checker.add([...path, 'type'], 'invalid_value', `Expected one of ${types.join(', ')}`);
    return undefined;
  }
  return value;
}

function checkInventory(c: Checker, change: Record_, path: Path): void {
  switch (change['type']) {
    case 'reserve': {
      const requests = change['requests'];
      if (!Array.isArray(requests)) return c.add([...path, 'requests'], 'invalid_type', 'Expected an array of reservation requests');
      requests.forEach((request: unknown, i) => {
        const at = [...path, 'requests', i];
        if (!c.object(request, at, 'a reservation request')) return;
        for (const key of ['reservationId', 'orderId', 'lineId', 'warehouseId', 'sku']) c.string(request, key, at);
        c.count(request, 'quantity', at, true);
        c.instant(request, 'expiresAt', at, true);
      });
      return;
    }
    case 'release':
    case 'commitReservation':
      return c.string(change, 'reservationId', path);
    case 'setStock':
      c.string(change, 'warehouseId', path);
      c.string(change, 'sku', path);
      return c.count(change, 'onHand', path, false);
    case 'useCapacity':
    case 'releaseCapacity': {
      c.string(change, 'warehouseId', path);
      if (typeof change['date'] !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(change['date'])) c.add([...path, 'date'], 'invalid_type', 'Expected a local date "YYYY-MM-DD"');
      c.count(change, 'orders', path, false);
      c.count(change, 'units', path, false);
      const limit = change['limit'];
      if (change['type'] === 'useCapacity' && limit !== undefined && c.object(limit, [...path, 'limit'], 'a limit { orders?, units? }')) {
        for (const key of ['orders', 'units']) if (limit[key] !== undefined) c.count(limit, key, [...path, 'limit'], false);
      }
      return;
    }
  }
}

function checkTask(c: Checker, change: Record_, path: Path): void {
  c.string(change, 'id', path);
  if (change['type'] === 'enqueue') {
    const task = change['task'];
    if (!c.object(task, [...path, 'task'], 'a task')) return;
    c.string(task, 'queue', [...path, 'task']);
    c.string(task, 'key', [...path, 'task']);
    c.instant(task, 'dueAt', [...path, 'task']);
    if (task['payload'] === undefined) c.add([...path, 'task', 'payload'], 'invalid_type', 'Expected a JSON value (null for none)');
    c.instant(task, 'firstFailedAt', [...path, 'task'], true);
    const history = task['history'];
    if (history !== undefined) {
      if (!Array.isArray(history)) c.add([...path, 'task', 'history'], 'invalid_type', 'Expected an array of { at, error, code? }');
      else history.forEach((attempt: unknown, index) => {
        const at = [...path, 'task', 'history', index];
        if (!c.object(attempt, at, 'an attempt { at, error, code? }')) return;
        c.instant(attempt, 'at', at);
        if (typeof attempt['error'] !== 'string') c.add([...at, 'error'], 'invalid_type', 'Expected the error text');
        if (attempt['code'] !== undefined && typeof attempt['code'] !== 'string') c.add([...at, 'code'], 'invalid_type', 'Expected a code string');
      });
    }
    return;
  }
  c.string(change, 'owner', path);
  if (change['type'] === 'fail' || change['type'] === 'deadLetter') {
    if (typeof change['error'] !== 'string') c.add([...path, 'error'], 'invalid_type', 'Expected the error text');
    if (change['code'] !== undefined && typeof change['code'] !== 'string') c.add([...path, 'code'], 'invalid_type', 'Expected a code string');
  }
  if (change['type'] === 'fail') c.instant(change, 'nextDueAt', path);
}

function checkCustomer(c: Checker, change: Record_, path: Path): void {
  switch (change['type']) {
    case 'putProfile': {
      const profile = change['profile'];
      if (c.object(profile, [...path, 'profile'], 'a customer profile')) c.string(profile, 'id', [...path, 'profile']);
      return;
    }
    case 'deleteProfile':
      return c.string(change, 'id', path);
    case 'putGolden': {
      const golden = change['golden'];
      const at = [...path, 'golden'];
      c.version(change, 'expectedVersion', path, true);
      if (!c.object(golden, at, 'a golden profile')) return;
      c.string(golden, 'id', at);
      c.strings(golden, 'sourceIds', at);
      c.version(golden, 'version', at, false);
      const expected = change['expectedVersion'];
      if (Number.isSafeInteger(expected) && Number.isSafeInteger(golden['version']) && (golden['version'] as number) <= (expected as number)) {
        c.add([...at, 'version'], 'invalid_version', `Expected more than the expected version ${String(expected)}: versions only grow`);
      }
      return;
    }
    case 'deleteGolden':
      c.string(change, 'id', path);
      if (change['expectedVersion'] !== undefined) c.version(change, 'expectedVersion', path, false);
      return;
    case 'addPostings':
    case 'removePostings':
      c.string(change, 'recordId', path);
      return c.strings(change, 'keys', path);
    case 'appendAudit': {
      const record = change['record'];
      if (!c.object(record, [...path, 'record'], 'a merge audit record')) return;
      c.string(record, 'id', [...path, 'record']);
      c.string(record, 'goldenId', [...path, 'record']);
      c.instant(record, 'at', [...path, 'record']);
      return;
    }
  }
}

function checkQuarantine(c: Checker, change: Record_, path: Path): void {
  if (change['type'] === 'put') {
    const record = change['record'];
    const at = [...path, 'record'];
    if (!c.object(record, at, 'a quarantine record')) return;
    c.string(record, 'id', at);
    c.string(record, 'source', at);
    c.instant(record, 'receivedAt', at);
    c.array(record, 'issues', at);
    if (record['payload'] === undefined) c.add([...at, 'payload'], 'invalid_type', 'Expected the payload as received (a JSON value)');
    return;
  }
  c.string(change, 'id', path);
  if (change['type'] === 'fix') {
    c.array(change, 'issues', path);
    if (change['payload'] === undefined) c.add([...path, 'payload'], 'invalid_type', 'Expected the fixed payload (a JSON value)');
  }
}

function checkSetting(c: Checker, change: Record_, path: Path): void {
  c.string(change, 'key', path);
  c.string(change, 'by', path);
  c.version(change, 'expectedVersion', path, true);
  if (change['value'] === undefined) c.add([...path, 'value'], 'invalid_type', 'Expected a JSON value (null for none)');
}

const STORES = [
  { key: 'inventory', types: INVENTORY_CHANGE_TYPES, check: checkInventory },
  { key: 'tasks', types: TASK_CHANGE_TYPES, check: checkTask },
  { key: 'customers', types: CUSTOMER_CHANGE_TYPES, check: checkCustomer },
  { key: 'quarantine', types: QUARANTINE_CHANGE_TYPES, check: checkQuarantine },
  { key: 'settings', types: SETTING_CHANGE_TYPES, check: checkSetting },
] as const;

/**
 * Checks a unit's shape (not its orders, which the commit checks as before) and lists its
 * inventory, task, customer, quarantine and settings changes in the order they apply.
 * @param maxCount the largest quantity the adapter's columns hold.
 * @throws ValidationError `VALIDATION_FAILED` with a path per problem (`inventory.0.requests.1.quantity`).
 */
export function planUnit(unit: UnitOfWork, maxCount: number = Number.MAX_SAFE_INTEGER): UnitPlan {
  const checker = new Checker(maxCount);
  if (!checker.object(unit, [], 'a unit of work')) throw new ValidationError('unit of work', checker.issues);
  for (const key of Object.keys(unit)) if (!UNIT_KEYS.includes(key)) checker.add([key], 'unknown_key', `Not a part of a unit of work (${UNIT_KEYS.join(', ')})`);
  for (const key of ['orders', 'outbox', 'idempotency']) {
    const list = (unit as Record_)[key];
    if (list !== undefined && !Array.isArray(list)) checker.add([key], 'invalid_type', 'Expected an array');
  }
  const lists: Record<string, Planned<never>[]> = {};
  let size = 0;
  for (const { key, types, check } of STORES) {
    const list = (unit as Record_)[key];
    const planned: Planned<never>[] = [];
    lists[key] = planned;
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      checker.add([key], 'invalid_type', `Expected an array of ${key} changes`);
      continue;
    }
    list.forEach((value: unknown, index) => {
      const change = checkChange(checker, key, types, value, [key, index]);
      if (change === undefined) return;
      check(checker, change, [key, index]);
      planned.push({ part: { store: key, index, type: change['type'] as string }, change: value as never });
    });
    size += list.length;
  }
  const needsAt = (lists['inventory']?.length ?? 0) + (lists['tasks']?.length ?? 0) + (lists['quarantine']?.length ?? 0) + (lists['settings']?.length ?? 0) > 0;
  if (needsAt || unit.at !== undefined) checker.instant(unit as Record_, 'at', []);
  if (checker.issues.length > 0) throw new ValidationError('unit of work', checker.issues);
  return {
    at: (unit.at ?? '') as Instant,
    inventory: lists['inventory'] as Planned<InventoryChange>[],
    tasks: lists['tasks'] as Planned<TaskChange>[],
    customers: lists['customers'] as Planned<CustomerChange>[],
    quarantine: lists['quarantine'] as Planned<QuarantineChange>[],
    settings: lists['settings'] as Planned<SettingChange>[],
    size,
  };
}

/** What each change of a unit answered, by store and index: what the convenience methods return. */
export interface UnitResults {
  readonly inventory: unknown[];
  readonly tasks: unknown[];
  readonly customers: unknown[];
  readonly quarantine: unknown[];
  readonly settings: unknown[];
}

/** How an adapter applies each kind of change (its result, or a promise of it). */
export interface PlanAppliers<R> {
  inventory(planned: Planned<InventoryChange>, at: Instant): R;
  tasks(planned: Planned<TaskChange>, at: Instant): R;
  customers(planned: Planned<CustomerChange>): R;
  quarantine(planned: Planned<QuarantineChange>, at: Instant): R;
  settings(planned: Planned<SettingChange>, at: Instant): R;
}

/** A unit with nothing beyond orders, outbox and idempotency answers this. */
export function noResults(): UnitResults {
  return { inventory: [], tasks: [], customers: [], quarantine: [], settings: [] };
}

/** Applies a plan's changes in order (inventory, tasks, customers, quarantine, settings) with synchronous appliers. */
export function applyPlan(plan: UnitPlan, apply: PlanAppliers<unknown>): UnitResults {
  const results = noResults();
  for (const planned of plan.inventory) results.inventory[planned.part.index] = apply.inventory(planned, plan.at);
  for (const planned of plan.tasks) results.tasks[planned.part.index] = apply.tasks(planned, plan.at);
  for (const planned of plan.customers) results.customers[planned.part.index] = apply.customers(planned);
  for (const planned of plan.quarantine) results.quarantine[planned.part.index] = apply.quarantine(planned, plan.at);
  for (const planned of plan.settings) results.settings[planned.part.index] = apply.settings(planned, plan.at);
  return results;
}

/** {@link applyPlan} with appliers that each wait for their statement, one after another. */
export async function applyPlanAsync(plan: UnitPlan, apply: PlanAppliers<Promise<unknown>>): Promise<UnitResults> {
  const results = noResults();
  for (const planned of plan.inventory) results.inventory[planned.part.index] = await apply.inventory(planned, plan.at);
  for (const planned of plan.tasks) results.tasks[planned.part.index] = await apply.tasks(planned, plan.at);
  for (const planned of plan.customers) results.customers[planned.part.index] = await apply.customers(planned);
  for (const planned of plan.quarantine) results.quarantine[planned.part.index] = await apply.quarantine(planned, plan.at);
  for (const planned of plan.settings) results.settings[planned.part.index] = await apply.settings(planned, plan.at);
  return results;
}

/** The part a unit's order write, outbox message or idempotency record is. */
export function corePart(store: 'orders' | 'outbox' | 'idempotency', index: number): UnitPart {
  return { store, index, type: store === 'orders' ? 'write' : 'insert' };
}

/**
 * A convenience method's view of its one-change unit's `ValidationError`: issue paths relative
 * to the method's own arguments (`[0, 'quantity']`, not `['inventory', 0, 'requests', 0, 'quantity']`).
 * Any other error passes through.
 */
export function asArgumentError(error: unknown, prefix: readonly (string | number)[], subject: string): unknown {
  if (!isValidationError(error)) return error;
  const within = (path: readonly (string | number)[]): boolean => prefix.every((segment, i) => path[i] === segment);
  return new ValidationError(
    subject,
    error.issues.map((issue) => (within(issue.path) ? { ...issue, path: issue.path.slice(prefix.length) } : issue)),
  );
}

/**
 * The version a golden profile written through the `putGolden` convenience expects stored: one
 * less than its own (`null`, none, for version 1 or a malformed version the unit's check reports).
 */
export function previousVersion(golden: { readonly version?: unknown } | null | undefined): number | null {
  const version = golden?.version;
  return typeof version === 'number' && Number.isSafeInteger(version) && version > 1 ? version - 1 : null;
}
