#!/usr/bin/env node
// Writes __tests__/fixtures/alloy-v1.18.1-code-schema.json: for the components the library
// writes by hand, the argument and block names Alloy v1.18.1's Go code accepts (from the
// catalog's code-schema.json) and whether each is optional; plus the `logging` block's
// arguments (from components.json). Tests check every hand-written schema against it.
//
//   node scripts/trim-alloy-schema.js ../shared/alloy-catalog
'use strict';
const fs = require('fs');
const path = require('path');

const catalog = path.resolve(process.argv[2] || path.join(__dirname, '..', '..', 'shared', 'alloy-catalog'));
const out = path.join(__dirname, '..', '__tests__', 'fixtures', 'alloy-v1.18.1-code-schema.json');
const COMPONENTS = [
  'loki.write', 'otelcol.exporter.loki', 'otelcol.exporter.otlp', 'otelcol.exporter.prometheus',
  'otelcol.processor.batch', 'otelcol.processor.memory_limiter', 'otelcol.receiver.otlp', 'prometheus.remote_write',
];

const code = JSON.parse(fs.readFileSync(path.join(catalog, 'code-schema.json'), 'utf-8'));
const docs = JSON.parse(fs.readFileSync(path.join(catalog, 'components.json'), 'utf-8'));
const optional = (attrs) => Object.fromEntries(Object.keys(attrs).sort().map((k) => [k, { optional: attrs[k].optional }]));

const result = { _source: 'grafana/alloy v1.18.1 (6012ec4ac6a5), alloy-catalog code-schema.json; logging from components.json' };
for (const name of COMPONENTS) {
  const c = code[name];
  if (!c) throw new Error(`${name} is not in ${catalog}/code-schema.json`);
  result[name] = {
    arguments: optional(c.arguments),
    blocks: Object.fromEntries(Object.keys(c.blocks).sort().map((b) => [b, { optional: c.blocks[b].optional, attrs: optional(c.blocks[b].attrs) }])),
  };
}
result.logging = {
  arguments: Object.fromEntries(Object.keys(docs.logging.arguments).sort().map((k) => [k, { optional: !docs.logging.arguments[k].required }])),
  blocks: {},
};
fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n');
console.error(`wrote ${path.relative(process.cwd(), out)}`);
