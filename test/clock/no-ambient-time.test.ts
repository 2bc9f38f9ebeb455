// Guard: nothing in src/ outside src/clock/ reads the process clock; only injected Clocks give "now".
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(REPO_ROOT, 'src');
const ALLOWED_DIR = join(SRC, 'clock') + sep;

/** Ways of reading the ambient time. References count too (`setTimeout(Date.now)` is still a read). */
const DETECTORS: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'Date.now', pattern: /\bDate\s*\.\s*now\b/g },
  { name: 'new Date() without arguments', pattern: /\bnew\s+Date\s*\(\s*\)/g },
  { name: 'new Date without parentheses', pattern: /\bnew\s+Date\b(?!\s*[(<])/g },
  { name: 'DateTime.now', pattern: /\bDateTime\s*\.\s*now\b/g },
  { name: 'DateTime.local', pattern: /\bDateTime\s*\.\s*local\b/g },
];

/**
 * Blanks out comments (keeping newlines, so line numbers hold) so that a comment warning
 * against `Date.now()` is not an offence. Strings are kept: code inside them may still run.
 */
function stripComments(source: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i] as string;
    const next = source[i + 1];
    if (quote !== null) {
      out += char;
      if (char === '\\') {
        out += next ?? '';
        i += 1;
      } else if (char === quote) {
        quote = null;
      }
    } else if (char === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') {
        out += ' ';
        i += 1;
      }
      if (i < source.length) out += '\n';
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop - 1;
    } else {
      if (char === '"' || char === "'" || char === '`') quote = char;
      out += char;
    }
  }
  return out;
}

interface Offence {
  readonly file: string;
  readonly line: number;
  readonly what: string;
  readonly text: string;
}

/** Every ambient-time read in `source`, with 1-based line numbers. */
function findOffences(file: string, source: string): Offence[] {
  const code = stripComments(source);
  const lines = source.split('\n');
  const offences: Offence[] = [];
  for (const { name, pattern } of DETECTORS) {
    for (const match of code.matchAll(pattern)) {
      const line = code.slice(0, match.index).split('\n').length;
      offences.push({ file, line, what: name, text: (lines[line - 1] ?? '').trim() });
    }
  }
  return offences.sort((a, b) => a.line - b.line);
}

function listTypeScript(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTypeScript(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('no ambient time outside src/clock/', () => {
  it('the detectors catch every form of offence (so the scan cannot pass silently)', () => {
    const offending = [
      'const t = Date.now();',
      'const t = Date . now ( );',
      'const read = Date.now;',
      'const d = new Date();',
      'const d = new Date( );',
      'const d = new Date;',
      'const d = new Date\n();',
      'const n = DateTime.now();',
      'const n = DateTime.local();',
      'const n = DateTime.local(2026, 1, 1);',
      'const s = `${Date.now()}`;',
      'const x = 1; /* fine */ const t = Date.now();',
      "const url = 'http://example.com'; const t = Date.now();",
    ];
    for (const sample of offending) expect(findOffences('sample.ts', sample), sample).not.toEqual([]);
  });

  it('the detectors leave legitimate code and comments alone', () => {
    const clean = [
      'const d = new Date(millis);',
      'const d = new Date(instant).toISOString();',
      'const dt = DateTime.fromMillis(clock.millis(), { zone });',
      'const f = new Intl.DateTimeFormat("en", { timeZone: zone });',
      'const updated = order.updatedAt; // never Date.now()',
      '/** Do not call Date.now() or new Date() here: take a Clock. */',
      '/*\n * DateTime.local() reads the process zone.\n */',
      'const today = clock.now();',
      'class NewDateError extends Error {}',
    ];
    for (const sample of clean) expect(findOffences('sample.ts', sample), sample).toEqual([]);
  });

  it('reports the right line, and keeps line numbers through block comments', () => {
    const source = '/*\n a comment\n*/\nconst ok = 1;\nconst bad = Date.now();\n';
    expect(findOffences('x.ts', source)).toEqual([{ file: 'x.ts', line: 5, what: 'Date.now', text: 'const bad = Date.now();' }]);
  });

  it('scans src/ and finds no offence outside src/clock/', () => {
    const files = listTypeScript(SRC);
    const scanned = files.filter((file) => !file.startsWith(ALLOWED_DIR));
    // The scan must see real files, both the ones it checks and the clock it exempts.
    expect(scanned.length).toBeGreaterThan(0);
    expect(scanned.some((file) => file.endsWith(join('errors', 'ordo-error.ts')))).toBe(true);
    expect(files.some((file) => file.endsWith(join('clock', 'clock.ts')))).toBe(true);

    const offences = scanned.flatMap((file) => findOffences(relative(REPO_ROOT, file).split(sep).join('/'), readFileSync(file, 'utf8')));
    const report = offences.map((o) => `${o.file}:${o.line}: ${o.what}: ${o.text}`);
    expect(
      report,
      `Ambient time read outside src/clock/ (take a Clock parameter instead; see HOUSE-RULES rule 3):\n${report.join('\n')}`,
    ).toEqual([]);
  });

  it('src/clock/ itself is where the system clock lives (the exemption is needed, not accidental)', () => {
    const clockSource = readFileSync(join(SRC, 'clock', 'clock.ts'), 'utf8');
    expect(findOffences('src/clock/clock.ts', clockSource).length).toBeGreaterThan(0);
  });
});
