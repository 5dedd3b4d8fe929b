#!/usr/bin/env node
// Regenerates imports/k8s.ts: the Kubernetes 1.28 L1 classes, exactly what
// `cdk8s import k8s@1.28.0` writes, but offline. cdk8s-cli downloads the schema
// from a fixed GitHub address and has no flag for a local file, so this script
// hands its importer the same schema file, kept in schemas/k8s/v1.28.0/.
//
//   npm run import:k8s
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const schemaFile = path.join(root, 'schemas', 'k8s', 'v1.28.0', '_definitions.json');
const expectedUrl = 'https://raw.githubusercontent.com/cdk8s-team/cdk8s/master/kubernetes-schemas/v1.28.0/_definitions.json';

// cdk8s-cli's package.json exports no subpaths, so its modules are loaded by file path.
const cli = path.dirname(require.resolve('cdk8s-cli/package.json', { paths: [root] }));
const util = require(path.join(cli, 'lib', 'util'));
util.download = async (url) => {
  if (url !== expectedUrl) {
    throw new Error(`import-k8s: unexpected download of ${url}; only the k8s 1.28.0 schema is served offline`);
  }
  return fs.readFileSync(schemaFile, 'utf-8');
};

const { importDispatch } = require(path.join(cli, 'lib', 'import', 'dispatch'));
const { Language } = require(path.join(cli, 'lib', 'import', 'base'));

importDispatch([{ source: 'k8s@1.28.0' }], {}, {
  outdir: path.join(root, 'imports'),
  targetLanguage: Language.TYPESCRIPT,
  save: false,
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
