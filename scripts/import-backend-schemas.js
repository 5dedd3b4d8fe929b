#!/usr/bin/env node
// Writes schemas/backends/{loki-3.7.6,tempo-2.10.8}.json: the key trees of the Loki and Tempo
// config files (each key with its type only), trimmed from ../shared/backend-schemas (read from
// Loki v3.7.6 and Tempo v2.10.8; see its README). Tests check every Loki and Tempo config the
// stack generates against them with unknown keys rejected, as both programs do at start.
//
//   npm run import:backend-schemas -- ../shared/backend-schemas
'use strict';
const fs = require('fs');
const path = require('path');

/** A node is a leaf when it has a string "type"; objects are maps of keys; "_meta" is no key. */
function trim(node) {
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.type === 'string') {
    // Loki's flagext.ByteSize is documented as <int> but read from a string such as "256KB"
    // (pkg/util/flagext/bytesize.go UnmarshalYAML): its default gives it away
    const byteSize = node.type === 'int' && typeof node.default === 'string' && /^[0-9.]+\s*[KMGTP]i?B$/i.test(node.default);
    const out = { type: byteSize ? 'bytesize' : node.type };
    if (node.items !== undefined) out.items = trim(node.items);
    if (node.values !== undefined) out.values = trim(node.values);
    if (node.type === 'map' && node.values === undefined && node._meta !== undefined) out.free = true;
    return out;
  }
  const out = {};
  for (const key of Object.keys(node).sort()) {
    if (key === '_meta') {
      if (node._meta && /Free-form map/.test(node._meta.note || '')) out._free = true;
      continue;
    }
    if (key === '_source' || key === '_legacy_format') continue;
    out[key] = trim(node[key]);
  }
  return out;
}

function build(dir, file, source) {
  const schema = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf-8'));
  return JSON.stringify({ _source: `${source}, trimmed to keys and types from backend-schemas/${file}`, ...trim(schema) }) + '\n';
}

const FILES = [
  ['loki-config-schema.json', 'loki-3.7.6.json', 'grafana/loki v3.7.6'],
  ['tempo-config-schema.json', 'tempo-2.10.8.json', 'grafana/tempo v2.10.8'],
];

module.exports = { build, FILES };

if (require.main === module) {
  const dir = process.argv[2] || path.join(__dirname, '..', '..', 'shared', 'backend-schemas');
  for (const [from, to, source] of FILES) {
    const target = path.join(__dirname, '..', 'schemas', 'backends', to);
    fs.writeFileSync(target, build(dir, from, source));
    console.log(`wrote ${path.relative(process.cwd(), target)}`);
  }
}
