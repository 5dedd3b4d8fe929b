#!/usr/bin/env node
// The fast path to dist/: `npm run synth` writes exactly what `npx cdk8s synth` writes, without
// the CLI and without type checking (the tests type-check): main.ts is bundled by esbuild and
// run in this same node process (no second process start); the bundle is rebuilt only when one
// of its inputs changed, and esbuild is loaded only then. Like the CLI, it empties dist/ first.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const outdir = path.resolve(root, process.argv[2] || 'dist');
const bundle = path.join(root, '.tmp', 'synth', 'main.js');

const metaFile = `${bundle}.inputs.json`;

/** Whether the bundle is newer than every input it was built from. */
function fresh() {
  try {
    const built = fs.statSync(bundle).mtimeMs;
    const inputs = JSON.parse(fs.readFileSync(metaFile, 'utf-8'));
    return inputs.every((f) => fs.statSync(path.join(root, f)).mtimeMs < built);
  } catch {
    return false;
  }
}

fs.rmSync(outdir, { recursive: true, force: true });
if (!fresh()) {
  const result = require('esbuild').buildSync({
    entryPoints: [path.join(root, 'main.ts')],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: bundle,
    logLevel: 'warning',
    metafile: true,
  });
  fs.writeFileSync(metaFile, JSON.stringify(Object.keys(result.metafile.inputs)));
}
// main.ts resolves its output folder from CDK8S_OUTDIR and the working directory, as under the CLI.
process.env.CDK8S_OUTDIR = outdir;
process.chdir(root);
require(bundle);
