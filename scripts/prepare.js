#!/usr/bin/env node
// npm's `prepare` hook: builds build/ (what the package ships, `npm run build`) whenever npm is
// about to make a package of this repository: `npm pack` and `npm publish` (npm runs prepare before
// packing), and `npm install github:<org>/<repo>` in another project (npm clones, installs the dev
// dependencies, runs prepare, then packs). It does nothing on this repository's own `npm ci`: the
// tests and `npx cdk8s synth` run from the TypeScript sources, and tsc would add ~15 s to every
// fresh clone's install. `npm install` here still builds, as npm's convention has it.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
if (process.env.npm_command === 'ci' && path.resolve(process.env.INIT_CWD || '.') === root) {
  console.log('cdk8s-alloy: no build on npm ci (npm run build, npm pack or npm publish build it)');
  process.exit(0);
}
const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
const build = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);
