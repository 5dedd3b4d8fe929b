#!/usr/bin/env node
// Writes imports/alloy/facts.json, the facts the component generator reads, from the Alloy
// v1.18.1 catalog (../shared/alloy-catalog: components.json from the docs, code-schema.json
// from the Go code, facts.json). Names and required flags come from the code, which is what
// Alloy accepts; the docs add kinds, defaults and stability. Test components of the code
// (pipelinetest.*, testcomponents.*, test.*) are left out. The arguments the catalog lost are
// added back first (CATALOG_LOST below).
//
//   npm run import:alloy-facts -- ../shared/alloy-catalog
'use strict';
const fs = require('fs');
const path = require('path');


const STABILITY = {
  'general-availability': 'generally-available',
  'public-preview': 'public-preview',
  experimental: 'experimental',
  community: 'community',
};
const CONFIG_BLOCKS = ['logging', 'tracing', 'http', 'livedebugging'];

const CODE = 'internal/component';
const DOCS = 'docs/sources/reference/components';
/**
 * The arguments Alloy v1.18.1 takes that the catalog lost: it dropped every field named
 * `description` or `file`, from code-schema.json and components.json alike. They are put back into
 * the catalog as read, in its own form, before the facts are built, so they come out as any other
 * argument does. Each entry is one field of a Go struct, read at v1.18.1: `go` is its struct tag
 * (file:line, and the struct; the tag gives the name and whether it is optional, the field its Go
 * type), `docs` its row in the reference docs (the default, as the catalog writes defaults: the
 * docs' text, null for none), `blocks` every component block whose body is that struct. The entries
 * are all such tags of Alloy's code at v1.18.1:
 *
 *   git grep -n 'alloy:"description,\|alloy:"file,' v1.18.1 -- internal/component
 *
 * (none elsewhere in the repository). An entry for a block the catalog lacks, or for an argument it
 * already has, stops the import: the list is then out of date.
 */
const OPTIONAL_STRING = { type: 'string', optional: true, default: '""' };
const CATALOG_LOST = [
  { name: 'description', ...OPTIONAL_STRING, go: `${CODE}/loki/process/metric/counters.go:23 (CounterConfig)`,
    docs: `${DOCS}/loki/loki.process.md:883`, blocks: [['loki.process', 'stage.metrics > metric.counter']] },
  { name: 'description', ...OPTIONAL_STRING, go: `${CODE}/loki/process/metric/gauges.go:34 (GaugeConfig)`,
    docs: `${DOCS}/loki/loki.process.md:906`, blocks: [['loki.process', 'stage.metrics > metric.gauge']] },
  { name: 'description', ...OPTIONAL_STRING, go: `${CODE}/loki/process/metric/histograms.go:23 (HistogramConfig)`,
    docs: `${DOCS}/loki/loki.process.md:926`, blocks: [['loki.process', 'stage.metrics > metric.histogram']] },
  // required, and its docs row has no default
  { name: 'file', type: 'string', optional: false, default: null, go: `${CODE}/loki/source/journal/types.go:23 (LegacyPosition)`,
    docs: `${DOCS}/loki/loki.source.journal.md:149`, blocks: [['loki.source.journal', 'legacy_position']] },
  { name: 'file', ...OPTIONAL_STRING, go: `${CODE}/otelcol/auth/basic/basic.go:39 (HtpasswdConfig)`,
    docs: `${DOCS}/otelcol/otelcol.auth.basic.md:99`, blocks: [['otelcol.auth.basic', 'htpasswd']] },
  // the docs row is in the table of `spans`, which the other four blocks share
  { name: 'description', ...OPTIONAL_STRING, go: `${CODE}/otelcol/connector/count/count.go:72 (MetricInfo)`,
    docs: `${DOCS}/otelcol/otelcol.connector.count.md:81`,
    blocks: ['spans', 'spanevents', 'metrics', 'datapoints', 'logs'].map((b) => ['otelcol.connector.count', b]) },
  // likewise: `datapoints` and `logs` share the table of `spans`
  { name: 'description', ...OPTIONAL_STRING, go: `${CODE}/otelcol/connector/signaltometrics/types.go:23 (MetricInfo)`,
    docs: `${DOCS}/otelcol/otelcol.connector.signaltometrics.md:118`,
    blocks: ['spans', 'datapoints', 'logs'].map((b) => ['otelcol.connector.signaltometrics', b]) },
  { name: 'file', ...OPTIONAL_STRING, go: `${CODE}/otelcol/extension/jaeger_remote_sampling/jaeger_remote_sampling.go:57 (ArgumentsSource)`,
    docs: `${DOCS}/otelcol/otelcol.extension.jaeger_remote_sampling.md:90`, blocks: [['otelcol.extension.jaeger_remote_sampling', 'source']] },
  { name: 'description', ...OPTIONAL_STRING, go: `${CODE}/otelcol/processor/span/span.go:230 (Status)`,
    docs: `${DOCS}/otelcol/otelcol.processor.span.md:214`, blocks: [['otelcol.processor.span', 'status']] },
];

/** Puts the arguments of CATALOG_LOST back into the catalog as read (`docs`: components.json, `code`: code-schema.json). */
function restoreLost(docs, code) {
  let count = 0;
  for (const lost of CATALOG_LOST) {
    for (const [component, block] of lost.blocks) {
      const codeBlock = code[component] && code[component].blocks[block];
      const docBlock = docs[component] && docs[component].blocks && docs[component].blocks[block];
      if (!codeBlock || !docBlock) throw new Error(`CATALOG_LOST: the catalog has no block ${component} > ${block} (${lost.go})`);
      if (lost.name in codeBlock.attrs || lost.name in (docBlock.arguments || {})) {
        throw new Error(`CATALOG_LOST: the catalog already has ${lost.name} in ${component} > ${block}: remove it from the list`);
      }
      codeBlock.attrs[lost.name] = { optional: lost.optional, type: lost.type };
      docBlock.arguments = { ...docBlock.arguments, [lost.name]: { default: lost.default, kind: lost.type, required: !lost.optional, type: lost.type } };
      count++;
    }
  }
  return count;
}

/** The kind of an argument: from its Go type where that is plain, else from the docs. */
function kindOf(goType, doc) {
  const t = (goType || '').replace(/^\*/, '');
  const simple = {
    string: 'string', URL: 'string', 'config.URL': 'string', 'commoncfg.URL': 'string', Regexp: 'string',
    'units.Base2Bytes': 'string', TLSVersion: 'string', Level: 'string', Action: 'string',
    bool: 'bool', 'time.Duration': 'duration',
    int: 'number', int32: 'number', int64: 'number', uint: 'number', uint8: 'number', uint16: 'number',
    uint32: 'number', uint64: 'number', float32: 'number', float64: 'number',
    'alloytypes.Secret': 'secret', 'alloytypes.OptionalSecret': 'string',
    '[]string': 'list(string)', 'flagext.StringSlice': 'list(string)', '[]*string': 'list(string)',
    '[]time.Duration': 'list(duration)', '[]float64': 'list(number)', '[]uint32': 'list(number)', '[]int32': 'list(number)',
    '[]alloytypes.Secret': 'list(secret)',
    'map[string]string': 'map(string)', 'map[string]*string': 'map(string)', 'map[string][]string': 'map(list(string))',
    'map[string]alloytypes.Secret': 'map(secret)', 'map[string][]alloytypes.Secret': 'map(list(secret))',
    '[]Consumer': 'consumers', '[]otelcol.Consumer': 'consumers',
    '[]loki.LogsReceiver': 'logs_receivers', '[]storage.Appendable': 'metrics_receivers',
    '[]pyroscope.Appendable': 'profiles_receivers',
    '[]discovery.Target': 'targets', TargetsList: 'targets',
    'alloy_relabel.Rules': 'relabel_rules', 'relabel.Rules': 'relabel_rules',
    'auth.Handler': 'auth_handler', 'extension.ExtensionHandler': 'handler',
    any: 'any', 'map[string]any': 'map(any)',
    // docs spellings, for config blocks that only the docs describe
    'list(otelcol.Consumer)': 'consumers', 'list(LogsReceiver)': 'logs_receivers',
  }[t];
  if (simple) return simple;
  if (doc) {
    const dk = { string: 'string', bool: 'bool', duration: 'duration', number: 'number', secret: 'secret' }[doc.kind];
    if (dk) return dk;
    if (doc.type === 'list(string)') return 'list(string)';
    if (doc.type === 'map(string)') return 'map(string)';
  }
  return 'any';
}

function docDefault(doc) {
  const d = doc && doc.default;
  return typeof d === 'string' && d !== '' && !d.startsWith('__') ? d : undefined;
}

function attrsOf(codeAttrs, docAttrs) {
  const result = {};
  for (const name of Object.keys(codeAttrs).sort()) {
    const a = codeAttrs[name];
    const doc = docAttrs && docAttrs[name];
    result[name] = { kind: kindOf(a.type, doc), required: !a.optional, default: docDefault(doc) };
  }
  return result;
}

function docAttrsOnly(docAttrs) {
  const result = {};
  for (const name of Object.keys(docAttrs || {}).sort()) {
    const d = docAttrs[name];
    result[name] = { kind: kindOf(d.type, d), required: !!d.required, default: docDefault(d) };
  }
  return result;
}

/** The facts file's content, built from the catalog in `catalog` (a directory). */
function buildFacts(catalog) {
  const read = (f) => JSON.parse(fs.readFileSync(path.join(catalog, f), 'utf-8'));
  const docs = read('components.json');
  const code = read('code-schema.json');
  const facts = read('facts.json');
  const restored = restoreLost(docs, code);
  const components = {};
  const names = Object.keys(docs).filter((n) => n !== '_meta' && docs[n].kind === 'component').sort();
  for (const name of names) {
    const doc = docs[name];
    const c = code[name];
    const entry = { stability: STABILITY[doc.stability] };
    if (!entry.stability) throw new Error(`${name}: unknown stability ${doc.stability}`);
    if (!c) {
      // documented but not in Alloy v1.18.1's code: Alloy rejects it
      entry.removed = true;
      entry.arguments = docAttrsOnly(doc.arguments);
      entry.blocks = {};
      entry.exports = {};
      components[name] = entry;
      continue;
    }
    entry.arguments = attrsOf(c.arguments, doc.arguments);
    entry.blocks = {};
    for (const p of Object.keys(c.blocks).sort()) {
      const b = c.blocks[p];
      const db = doc.blocks && doc.blocks[p];
      entry.blocks[p] = { required: !b.optional, labelled: !!b.label, arguments: attrsOf(b.attrs, db && db.arguments) };
    }
    entry.exports = {};
    for (const e of Object.keys(c.exports || {}).sort()) {
      entry.exports[e] = c.exports[e];
    }
    const input = facts.otelcol_consumers_exporting_input[name];
    if (input) {
      // a connector's intro sentence names what it consumes where the exports section lists all
      // three signals for the shared type (otelcol.connector.spanlogs takes traces only)
      const intro = input.signals_per_intro_sentence;
      const signals = name.startsWith('otelcol.connector.') && intro ? intro : input.signals_per_exports_section;
      entry.inputSignals = [...signals].sort();
    }
    const output = facts.output_block_signals[name];
    if (output && name.startsWith('otelcol.connector.')) {
      // connectors refuse at startup to output signals they do not produce, though the code's
      // shared output block has all three attributes
      entry.outputSignals = [...output.documented].sort();
    }
    const receiver = facts.receiver_exports[name];
    if (receiver) entry.receiverSignal = receiver.signal;
    if (facts.handler_exports[name]) entry.handler = name.startsWith('otelcol.storage.') ? 'storage' : 'auth';
    components[name] = entry;
  }

  const configBlocks = {};
  for (const name of CONFIG_BLOCKS) {
    const doc = docs[name];
    const blocks = {};
    for (const p of Object.keys(doc.blocks || {}).sort()) {
      blocks[p] = { required: !!doc.blocks[p].required, labelled: false, arguments: docAttrsOnly(doc.blocks[p].arguments) };
    }
    configBlocks[name] = { stability: STABILITY[doc.stability], arguments: docAttrsOnly(doc.arguments), blocks };
  }

  const result = {
    _source: `grafana/alloy ${facts._meta.source.rev} (${facts._meta.source.commit.slice(0, 12)}); made by scripts/import-alloy-facts.js, with the ${restored} arguments the catalog lost`,
    components,
    configBlocks,
  };
  return { text: JSON.stringify(result, null, 1) + '\n', components: names.length };
}

module.exports = { kindOf, buildFacts, CATALOG_LOST };

if (require.main === module) {
  const catalog = path.resolve(process.argv[2] || path.join(__dirname, '..', '..', 'shared', 'alloy-catalog'));
  const out = path.join(__dirname, '..', 'imports', 'alloy', 'facts.json');
  const { text, components } = buildFacts(catalog);
  fs.writeFileSync(out, text);
  console.error(`wrote ${path.relative(process.cwd(), out)}: ${components} components, ${CONFIG_BLOCKS.length} config blocks`);
}
