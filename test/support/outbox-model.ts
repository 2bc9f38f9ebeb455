// Test helper: random outbox command sequences run in lockstep on the memory adapter (the model) and a real adapter.
import fc from 'fast-check';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { addDuration, type Instant } from '../../src/clock/index.js';
import type { StoragePort } from '../../src/ports/index.js';

const T0 = '2026-03-01T00:00:00.000Z' as Instant;
const KEYS = ['k1', 'k2', 'k3'];
const OWNERS = ['relay-a', 'relay-b'];

/** One step of a relay's life. */
export type OutboxCommand =
  | { readonly kind: 'commit'; readonly keys: readonly number[] }
  | { readonly kind: 'claim'; readonly owner: number; readonly limit: number; readonly leaseSeconds: number }
  | { readonly kind: 'deliver'; readonly owner: number; readonly picks: readonly number[] }
  | { readonly kind: 'release'; readonly owner: number; readonly pick: number; readonly retrySeconds: number; readonly dead: boolean }
  | { readonly kind: 'advance'; readonly seconds: number };

/** Random command sequences, weighted towards claims and deliveries. */
export const outboxCommands: fc.Arbitrary<OutboxCommand[]> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('commit' as const), keys: fc.array(fc.nat({ max: KEYS.length - 1 }), { minLength: 1, maxLength: 4 }) }) },
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant('claim' as const), owner: fc.nat({ max: 1 }), limit: fc.integer({ min: 1, max: 5 }), leaseSeconds: fc.integer({ min: 1, max: 30 }) }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('deliver' as const), owner: fc.nat({ max: 1 }), picks: fc.array(fc.nat({ max: 40 }), { maxLength: 4 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('release' as const),
        owner: fc.nat({ max: 1 }),
        pick: fc.nat({ max: 40 }),
        retrySeconds: fc.integer({ min: 0, max: 20 }),
        dead: fc.boolean(),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 25 }) }) },
  ),
  { minLength: 5, maxLength: 30 },
);

/**
 * Runs `commands` on a fresh memory storage and on `real`, step by step, and returns the first
 * step whose outcome differs (or null). Outcomes: claimed ids with attempts, counts, booleans,
 * and the whole outbox after every step.
 */
export async function firstDivergence(real: StoragePort, commands: readonly OutboxCommand[]): Promise<string | null> {
  const model = createMemoryStorage();
  let now = T0;
  const ids: string[] = [];
  const run = async (storage: StoragePort, command: OutboxCommand, step: number): Promise<unknown> => {
    switch (command.kind) {
      case 'commit': {
        const messages = command.keys.map((k, j) => ({ id: `m${step}-${j}`, topic: 't', key: KEYS[k] as string, payload: { step, j }, createdAt: now }));
        await storage.commit({ outbox: messages });
        return messages.map((m) => m.id);
      }
      case 'claim': {
        const claimed = await storage.outbox.claim({ owner: OWNERS[command.owner] as string, now, leaseUntil: addDuration(now, { seconds: command.leaseSeconds }), limit: command.limit });
        return claimed.map((m) => [m.id, m.attempts]);
      }
      case 'deliver':
        return storage.outbox.markDelivered(command.picks.map((p) => ids[p % Math.max(1, ids.length)] ?? 'none'), OWNERS[command.owner] as string, now);
      case 'release':
        return storage.outbox.release(ids[command.pick % Math.max(1, ids.length)] ?? 'none', OWNERS[command.owner] as string, {
          error: 'failed',
          retryAt: addDuration(now, { seconds: command.retrySeconds }),
          ...(command.dead ? { dead: true } : {}),
        });
      case 'advance':
        return null;
    }
  };
  for (const [step, command] of commands.entries()) {
    const expected = await run(model, command, step);
    const actual = await run(real, command, step);
    if (command.kind === 'commit') ids.push(...(expected as string[]));
    if (command.kind === 'advance') now = addDuration(now, { seconds: command.seconds });
    const same = JSON.stringify(expected) === JSON.stringify(actual);
    const [modelList, realList] = [await model.outbox.list(), await real.outbox.list()];
    const normalise = (list: unknown[]): string => JSON.stringify(list.map((m) => Object.fromEntries(Object.entries(m as object).sort(([a], [b]) => (a < b ? -1 : 1)))));
    if (!same || normalise(modelList) !== normalise(realList)) {
      return `step ${step} ${JSON.stringify(command)}: model ${JSON.stringify(expected)} vs adapter ${JSON.stringify(actual)}; outbox model ${normalise(modelList)} vs adapter ${normalise(realList)}`;
    }
  }
  await model.close();
  return null;
}
