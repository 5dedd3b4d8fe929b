#!/usr/bin/env node
// Writes imports/alloy/metrics.json: the names of the metrics each Alloy v1.18.1 component
// (and the engine, "_engine") exposes on /metrics, from ../shared/alloy-catalog/metrics.json
// (read from Alloy's Go source and the OpenTelemetry Collector v0.153.0 it builds on; see its
// README). Alert rules and dashboards are checked against it at synth, so that none queries a
// metric no component of the environment exports.
//
//   npm run import:alloy-metrics -- ../shared/alloy-catalog
'use strict';
const fs = require('fs');
const path = require('path');

function build(catalogDir) {
  const source = JSON.parse(fs.readFileSync(path.join(catalogDir, 'metrics.json'), 'utf-8'));
  const out = {
    _source: `names from alloy-catalog/metrics.json: Alloy ${source._source.alloy}, OpenTelemetry Collector ${source._source.otel_collector}`,
  };
  for (const key of Object.keys(source).filter((k) => !k.startsWith('_') || k === '_engine').sort()) {
    const list = source[key];
    if (!Array.isArray(list)) continue;
    out[key] = [...new Set(list.map((m) => m.name))].sort();
  }
  return JSON.stringify(out, null, 1) + '\n';
}

module.exports = { build };

if (require.main === module) {
  const dir = process.argv[2] || path.join(__dirname, '..', '..', 'shared', 'alloy-catalog');
  const target = path.join(__dirname, '..', 'imports', 'alloy', 'metrics.json');
  fs.writeFileSync(target, build(dir));
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
