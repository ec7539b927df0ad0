// `tsc --noEmit` (strict) on a consumer that uses every public API of the installed
// package, with @ts-expect-error lines that must each be errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, HERE, consumerProject, run } from './lib.mjs';

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2022', 'DOM'],
    noEmit: true,
    noUnusedLocals: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    types: [],
  },
  files: ['consumer.ts'],
};

let project;
before(async () => {
  project = await consumerProject('types', { 'tsconfig.json': JSON.stringify(TSCONFIG, null, 2) });
  await copyFile(join(HERE, 'consumer.ts'), join(project.dir, 'consumer.ts'));
});
after(() => project?.remove());

test('tsc --noEmit accepts the typed consumer (strict, every API, expected errors)', { timeout: 120_000 }, async () => {
  const r = await run(join(BIN, 'tsc'), ['--noEmit', '-p', project.dir], { cwd: project.dir }).catch((e) => e);
  assert.equal(r.code ?? 0, 0, `${r.stdout}${r.stderr}`);
});

test('index.d.ts has no `any` on the public surface', async () => {
  const dts = await readFile(join(project.dir, 'node_modules/@mqtt-wasm/client/index.d.ts'), 'utf8');
  assert.doesNotMatch(dts.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''), /\bany\b/);
});

test('also resolves with moduleResolution node16 (exports map "types" condition)', { timeout: 120_000 }, async () => {
  const config = { ...TSCONFIG, compilerOptions: { ...TSCONFIG.compilerOptions, module: 'Node16', moduleResolution: 'Node16' } };
  await writeFile(join(project.dir, 'tsconfig.node16.json'), JSON.stringify(config));
  const r = await run(join(BIN, 'tsc'), ['-p', join(project.dir, 'tsconfig.node16.json')], { cwd: project.dir }).catch((e) => e);
  assert.equal(r.code ?? 0, 0, `${r.stdout}${r.stderr}`);
});
