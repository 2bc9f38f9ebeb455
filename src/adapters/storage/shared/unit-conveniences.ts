// The stores' write methods, once for every adapter: each is a one-change unit of work through the
// adapter's own commit, answering as its port documents (false, null, a result) where the unit
// would fail on the state it found.
import type { Instant } from '../../../clock/instant.js';
import { hasErrorCode } from '../../../errors/ordo-error.js';
import { isUnitOfWorkError } from '../../../errors/unit-error.js';
import type { CustomerChange, CustomerStore, GoldenProfile, MergeAuditRecord } from '../../../ports/customer-store-port.js';
import type { InventoryChange, InventoryStore, Reservation, ReservationRequest, ReserveResult, StockLevel } from '../../../ports/inventory-port.js';
import type { JsonValue } from '../../../ports/json.js';
import type { QuarantineChange, QuarantineInput, QuarantineRecord, QuarantineStore } from '../../../ports/quarantine-port.js';
import type { Setting, SettingChange, SettingsStore } from '../../../ports/settings-port.js';
import type { UnitOfWork } from '../../../ports/storage-port.js';
import type { Task, TaskChange, TaskInput, TaskStore } from '../../../ports/task-port.js';
import type { Customer } from '../../../model/customer.js';
import type { ValidationIssue } from '../../../errors/validation-error.js';
import { asArgumentError, previousVersion, type UnitResults } from './unit-plan.js';

/** Commits a unit through the adapter's one write path; `operation` names it in errors and fault injection. */
export type RunUnit = (unit: UnitOfWork, operation: string) => Promise<UnitResults>;

/** The inventory writes. */
export function inventoryWrites(run: RunUnit): Pick<InventoryStore, 'setStock' | 'reserve' | 'release' | 'commitReservation'> {
  const one = async (operation: string, change: InventoryChange, at: Instant): Promise<unknown> => {
    try {
      return (await run({ inventory: [change], at }, operation)).inventory[0];
    } catch (error) {
      throw change.type === 'reserve' ? asArgumentError(error, ['inventory', 0, 'requests'], 'reservation requests') : asArgumentError(error, ['inventory', 0], 'stock level');
    }
  };
  /** A settle answers false, not an error, for a reservation that is not active. */
  const settle = async (operation: string, change: InventoryChange, at: Instant): Promise<boolean> => {
    try {
      return (await one(operation, change, at)) as boolean;
    } catch (error) {
      if (hasErrorCode(error, 'CONCURRENCY_CONFLICT')) return false;
      throw error;
    }
  };
  return {
    async setStock(warehouseId: string, sku: string, onHand: number, at: Instant): Promise<StockLevel> {
      return (await one('inventory.setStock', { type: 'setStock', warehouseId, sku, onHand }, at)) as StockLevel;
    },
    async reserve(requests: readonly ReservationRequest[], at: Instant): Promise<ReserveResult> {
      try {
        return { ok: true, value: (await one('inventory.reserve', { type: 'reserve', requests }, at)) as Reservation[] };
      } catch (error) {
        if (!isUnitOfWorkError(error) || error.code !== 'INSUFFICIENT_STOCK') throw error;
        return { ok: false, error };
      }
    },
    release: (reservationId: string, at: Instant) => settle('inventory.release', { type: 'release', reservationId }, at),
    commitReservation: (reservationId: string, at: Instant) => settle('inventory.commitReservation', { type: 'commitReservation', reservationId }, at),
  };
}

/** The task writes other than `claim`. */
export function taskWrites(run: RunUnit): Pick<TaskStore, 'enqueue' | 'complete' | 'fail' | 'deadLetter'> {
  /** A settle answers false, not an error, for a lease this owner lost. */
  const one = async (operation: string, change: TaskChange, at: Instant): Promise<unknown> => {
    try {
      return (await run({ tasks: [change], at }, operation)).tasks[0];
    } catch (error) {
      if (change.type !== 'enqueue' && hasErrorCode(error, 'LEASE_LOST')) return false;
      throw asArgumentError(error, ['tasks', 0], 'task');
    }
  };
  return {
    async enqueue(input: TaskInput, id: string, at: Instant): Promise<{ readonly task: Task; readonly created: boolean }> {
      return (await one('tasks.enqueue', { type: 'enqueue', id, task: input }, at)) as { task: Task; created: boolean };
    },
    async complete(id: string, owner: string, at: Instant): Promise<boolean> {
      return (await one('tasks.complete', { type: 'complete', id, owner }, at)) as boolean;
    },
    async fail(id: string, owner: string, failure: { readonly error: string; readonly code?: string; readonly nextDueAt: Instant; readonly at: Instant }): Promise<boolean> {
      return (await one('tasks.fail', { type: 'fail', id, owner, error: failure.error, ...(failure.code === undefined ? {} : { code: failure.code }), nextDueAt: failure.nextDueAt }, failure.at)) as boolean;
    },
    async deadLetter(id: string, owner: string, failure: { readonly error: string; readonly code?: string; readonly at: Instant }): Promise<boolean> {
      return (await one('tasks.deadLetter', { type: 'deadLetter', id, owner, error: failure.error, ...(failure.code === undefined ? {} : { code: failure.code }) }, failure.at)) as boolean;
    },
  };
}

/** The quarantine writes. */
export function quarantineWrites(run: RunUnit): Pick<QuarantineStore, 'put' | 'fix' | 'markReplayed' | 'discard'> {
  /** The record the change left, or null when the record was not open. */
  const change = async (operation: string, quarantineChange: QuarantineChange, at: Instant): Promise<QuarantineRecord | null> => {
    try {
      return (await run({ quarantine: [quarantineChange], at }, operation)).quarantine[0] as QuarantineRecord;
    } catch (error) {
      if (hasErrorCode(error, 'CONCURRENCY_CONFLICT')) return null;
      throw asArgumentError(error, ['quarantine', 0], 'quarantine record');
    }
  };
  return {
    async put(input: QuarantineInput): Promise<QuarantineRecord> {
      return (await change('quarantine.put', { type: 'put', record: input }, input?.receivedAt)) as QuarantineRecord;
    },
    fix: (id: string, payload: JsonValue, issues: readonly ValidationIssue[], at: Instant) => change('quarantine.fix', { type: 'fix', id, payload, issues }, at),
    async markReplayed(id: string, at: Instant): Promise<boolean> {
      return (await change('quarantine.markReplayed', { type: 'markReplayed', id }, at)) !== null;
    },
    async discard(id: string, at: Instant): Promise<boolean> {
      return (await change('quarantine.discard', { type: 'discard', id }, at)) !== null;
    },
  };
}

/** The customer store's writes, and `commit` for several at once. */
export function customerWrites(run: RunUnit): Pick<CustomerStore, 'commit' | 'putProfile' | 'deleteProfile' | 'putGolden' | 'deleteGolden' | 'addPostings' | 'removePostings' | 'appendAudit'> {
  const apply = async (operation: string, changes: readonly CustomerChange[]): Promise<unknown[]> => (await run({ customers: changes }, operation)).customers;
  return {
    async commit(changes: readonly CustomerChange[]): Promise<void> {
      await apply('customers.commit', changes);
    },
    async putProfile(profile: Customer): Promise<void> {
      await apply('customers.putProfile', [{ type: 'putProfile', profile }]);
    },
    async deleteProfile(id: string): Promise<boolean> {
      return (await apply('customers.deleteProfile', [{ type: 'deleteProfile', id }]))[0] as boolean;
    },
    async putGolden(golden: GoldenProfile): Promise<void> {
      await apply('customers.putGolden', [{ type: 'putGolden', golden, expectedVersion: previousVersion(golden) }]);
    },
    async deleteGolden(id: string): Promise<boolean> {
      return (await apply('customers.deleteGolden', [{ type: 'deleteGolden', id }]))[0] as boolean;
    },
    async addPostings(recordId: string, keys: readonly string[]): Promise<void> {
      await apply('customers.addPostings', [{ type: 'addPostings', recordId, keys }]);
    },
    async removePostings(recordId: string, keys: readonly string[]): Promise<void> {
      await apply('customers.removePostings', [{ type: 'removePostings', recordId, keys }]);
    },
    async appendAudit(record: MergeAuditRecord): Promise<void> {
      await apply('customers.appendAudit', [{ type: 'appendAudit', record }]);
    },
  };
}

/** The settings write. */
export function settingsWrites(run: RunUnit): Pick<SettingsStore, 'put'> {
  return {
    async put(key: string, value: JsonValue, options: { readonly expectedVersion: number | null; readonly by: string; readonly at: Instant }): Promise<Setting> {
      const change: SettingChange = { type: 'put', key, value, expectedVersion: options?.expectedVersion, by: options?.by };
      try {
        return (await run({ settings: [change], at: options?.at }, 'settings.put')).settings[0] as Setting;
      } catch (error) {
        throw asArgumentError(error, ['settings', 0], 'setting');
      }
    },
  };
}
