// Every file in examples/ runs to completion, so an example cannot rot.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));
const tsx = join(root, 'node_modules/.bin/tsx');

describe('examples', () => {
  it('there is at least the demo', () => {
    expect(examples).toContain('demo.ts');
  });

  for (const file of examples) {
    it(`examples/${file} runs and says what it is for on its first line`, () => {
      const first = readFileSync(join(root, 'examples', file), 'utf8').split('\n')[0] ?? '';
      expect(first.startsWith('//')).toBe(true);
      const out = execFileSync(tsx, [join('examples', file)], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(out.length).toBeGreaterThan(0);
    }, 90_000);
  }
});
