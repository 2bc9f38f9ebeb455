// Test helper: a temporary directory for SQLite files, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private temp directory; `file(name)` gives a path inside it, `remove()` deletes it all. */
export interface TempDir {
  readonly path: string;
  file(name: string): string;
  remove(): void;
}

/** Makes a private temp directory under the OS temp dir. */
export function tempDir(prefix = 'ordo-sqlite-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file: (name) => join(path, name),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
