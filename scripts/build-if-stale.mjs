// Builds dist/ with tsup unless it is newer than every input: `npm ci` (prepare) then `npm pack`
// (prepare again) or `npm test` build once, and a git install still arrives built.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.cache', 'ordo-build-stamp');
const inputs = ['src', 'tsup.config.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** The newest modification time under a file or folder. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

const force = process.argv.includes('--force');
const built = existsSync(stamp) && existsSync(join(root, 'dist', 'index.js')) ? statSync(stamp).mtimeMs : 0;
if (!force && built > 0 && built >= Math.max(...inputs.map((input) => newest(join(root, input))))) {
  console.log('dist/ is up to date with src/ (build skipped; `npm run build -- --force` rebuilds)');
  process.exit(0);
}
const result = spawnSync('npx', ['tsup'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
mkdirSync(dirname(stamp), { recursive: true });
writeFileSync(stamp, `${new Date().toISOString()}\n`);
