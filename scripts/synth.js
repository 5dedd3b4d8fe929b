#!/usr/bin/env node
// The way to dist/: `npm run synth` runs it directly (no CLI), and `npx cdk8s synth` runs it as
// the app of cdk8s.yaml (output folder in CDK8S_OUTDIR). No type checking (the tests do that):
// main.ts is bundled by esbuild and run in this same node process (no second process start);
// the bundle is rebuilt only when one of its inputs changed, and esbuild is loaded only then.
// Like the CLI, it empties the output folder first. A test checks that `npx tsx main.ts`, the
// app unbundled, writes the same bytes.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const outdir = path.resolve(root, process.argv[2] || process.env.CDK8S_OUTDIR || 'dist');
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
    write: false,
    logLevel: 'warning',
    metafile: true,
  });
  // written aside and renamed, so that two synths at once never read a half-written bundle
  const put = (file, text) => {
    const aside = `${file}.${process.pid}`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(aside, text);
    fs.renameSync(aside, file);
  };
  put(metaFile, JSON.stringify(Object.keys(result.metafile.inputs)));
  put(bundle, result.outputFiles[0].contents);
}
// main.ts resolves its output folder from CDK8S_OUTDIR and the working directory, as under the CLI.
process.env.CDK8S_OUTDIR = outdir;
process.chdir(root);
require(bundle);
