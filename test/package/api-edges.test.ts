// Every public function, called with wrong arguments, returns its failure shape or throws an
// OrdoError: never a TypeError from deep inside ("Cannot read properties of undefined").
import { describe, expect, it } from 'vitest';
import * as memory from '../../src/adapters/memory.js';
import * as postgres from '../../src/adapters/postgres.js';
import * as sqlite from '../../src/adapters/sqlite.js';
import * as webhook from '../../src/adapters/webhook.js';
import * as opsBoard from '../../src/adapters/ops-board.js';
import * as prometheus from '../../src/adapters/prometheus.js';
import * as carrier from '../../src/adapters/carrier.js';
import * as root from '../../src/index.js';
import * as testing from '../../src/testing/index.js';

const MODULES: Record<string, Record<string, unknown>> = { ordo: root, 'ordo/adapters/memory': memory, 'ordo/adapters/sqlite': sqlite, 'ordo/adapters/postgres': postgres, 'ordo/adapters/webhook': webhook, 'ordo/adapters/ops-board': opsBoard, 'ordo/adapters/prometheus': prometheus, 'ordo/adapters/carrier': carrier, 'ordo/testing': testing };

/** Wrong arguments a caller from JavaScript or a queue might pass. */
const WRONG: readonly unknown[][] = [[], [undefined], [null], [42], ['x'], [{}], [[]], [null, null], [{}, {}], ['x', 'y'], [{}, null, null], [true, 13812345678]];

function functionsOf(module: Record<string, unknown>): [string, (...args: unknown[]) => unknown][] {
  // Classes are constructed, not called; every other export that is a function is called.
  return Object.entries(module).filter((entry): entry is [string, (...args: unknown[]) => unknown] => typeof entry[1] === 'function' && !/^[A-Z]/.test(entry[0]));
}

describe('public functions given wrong arguments', () => {
  for (const [specifier, module] of Object.entries(MODULES)) {
    it(`${specifier}: every function fails as an OrdoError or its documented shape, never a TypeError`, async () => {
      const offending: string[] = [];
      const functions = functionsOf(module);
      expect(functions.length).toBeGreaterThan(0);
      for (const [name, fn] of functions) {
        for (const args of WRONG) {
          const where = `${name}(${args.map((a) => JSON.stringify(a) ?? 'undefined').join(', ')})`;
          try {
            const result = fn(...args);
            if (result instanceof Promise) await result.catch((error: unknown) => !root.isOrdoError(error) && offending.push(`${where} rejected ${String(error)}`));
          } catch (error) {
            if (!root.isOrdoError(error)) offending.push(`${where} threw ${String(error)}`);
          }
        }
      }
      expect(offending).toEqual([]);
    }, 60_000);
  }
});
