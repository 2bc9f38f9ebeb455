// Every TypeScript sample in README.md compiles under the project's strict settings, with what it
// takes as given declared in test/support/readme-context.d.ts; a sample that takes nothing as given
// also runs to completion. A sample cannot rot, and a user who copies one gets code that compiles.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const context = join(root, 'test/support/readme-context.d.ts');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const samples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match, index) => ({
  index: index + 1,
  line: readme.slice(0, match.index).split('\n').length + 1,
  code: match[1] as string,
}));
// Inside the project, so `ordo` and its subpaths resolve through tsconfig's paths as they do for users.
const folder = join(root, 'test', `.readme-samples-${process.pid}`);
mkdirSync(folder, { recursive: true });
const files = samples.map((sample) => {
  const file = join(folder, `sample-${String(sample.index).padStart(2, '0')}.ts`);
  // Each sample is a module of its own: names do not leak from one into the next.
  writeFileSync(file, `${sample.code}\nexport {};\n`);
  return { ...sample, file };
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Compiles every sample in one program with the project's compiler options; returns its diagnostics and which samples use the given names. */
function compile(): { problems: string[]; usesContext: Map<string, boolean> } {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram([...files.map((f) => f.file), context], { ...parsed.options, noEmit: true });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file === undefined || d.start === undefined ? '' : `${d.file.fileName.replace(`${folder}/`, '')}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} `;
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  const checker = program.getTypeChecker();
  const usesContext = new Map<string, boolean>();
  for (const { file } of files) {
    const source = program.getSourceFile(file);
    let uses = false;
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) {
        const symbol = checker.getSymbolAtLocation(node);
        if (symbol?.declarations?.some((declaration) => declaration.getSourceFile().fileName === context)) uses = true;
      }
      if (!uses) ts.forEachChild(node, visit);
    };
    if (source !== undefined) visit(source);
    usesContext.set(file, uses);
  }
  return { problems, usesContext };
}

describe('README samples', () => {
  const { problems, usesContext } = compile();

  it('there are samples, and each compiles under strict', () => {
    expect(files.length).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  for (const sample of files) {
    it.runIf(usesContext.get(sample.file) === false)(`sample ${sample.index} (README.md line ${sample.line}) runs as written`, () => {
      const out = execFileSync(join(root, 'node_modules/.bin/tsx'), [sample.file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(typeof out).toBe('string');
    }, 90_000);
  }
});
