/**
 * Every generated component renders with its required arguments only, using exactly the
 * names of imports/alloy/facts.json, in canonical form; and the generator reproduces
 * imports/alloy/ byte for byte.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { facts, unknownNames } from '../support/alloy-facts';
import * as generated from '../../imports/alloy';
import { AlloyComponent, AlloyConfig, Expr } from '../../lib/alloy';
import { BodySchema, ComponentDefinition } from '../../lib/alloy/internal';

type ComponentClass = { DEFINITION: ComponentDefinition; new (scope: AlloyConfig, id: string, props: object): AlloyComponent };
const classes = new Map<string, ComponentClass>();
for (const value of Object.values(generated)) {
  const def = (value as { DEFINITION?: ComponentDefinition }).DEFINITION;
  if (def !== undefined && (value as { prototype: object }).prototype instanceof AlloyComponent) {
    classes.set(def.name, value as unknown as ComponentClass);
  }
}

/** Values for every required argument and block of a schema. */
function requiredProps(cfg: AlloyConfig, schema: BodySchema): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [prop, field] of Object.entries(schema)) {
    if (field.kind === 'enum' || !field.required) continue;
    if (field.kind === 'block') {
      props[prop] = { ...requiredProps(cfg, field.body), ...(field.labelled ? { label: 'x' } : {}) };
      continue;
    }
    props[prop] = valueOf(cfg, field.type);
  }
  return props;
}

function valueOf(cfg: AlloyConfig, kind: string): unknown {
  switch (kind) {
    case 'string': return 'x';
    case 'bool': return true;
    case 'number': return 1;
    case 'duration': return '1s';
    case 'secret': return Expr.env('SECRET');
    case 'relabel_rules': return new generated.DiscoveryRelabel(cfg, `rules_${cfg.node.children.length}`, { targets: [] }).rules;
    case 'auth_handler':
    case 'handler':
      return new generated.OtelcolAuthBearer(cfg, `auth_${cfg.node.children.length}`, { token: Expr.env('T') }).handler;
    case 'storage_handler': return new generated.OtelcolStorageFile(cfg, `storage_${cfg.node.children.length}`).handler;
    case 'any': return 'x';
    default: return kind.startsWith('map') ? {} : [];
  }
}

const root = path.join(__dirname, '..', '..');
const live = Object.keys(facts.components).filter((n) => !facts.components[n].removed).sort();

describe('generated components', () => {
  test('one class for each of the 184 components Alloy v1.18.1 has; the one it removed is left out', () => {
    expect(Object.keys(facts.components)).toHaveLength(185);
    expect(live).toHaveLength(184);
    expect([...classes.keys()].sort()).toEqual(live);
    expect(Object.keys(facts.components).filter((n) => facts.components[n].removed)).toEqual(['otelcol.receiver.opencensus']);
  });

  test.each(live.map((n) => [n]))('%s renders with its required arguments only, with the names Alloy knows', (name) => {
    const cls = classes.get(name)!;
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    const props = { ...requiredProps(cfg, cls.DEFINITION.schema), dropOutput: true };
    const component = new cls(cfg, 'under_test', props);
    expect(component.stability).toBe(facts.components[name].stability);
    const stmt = component.toStatement();
    expect(stmt.name).toBe(name);
    expect(unknownNames(stmt.body, facts.components[name], '')).toEqual([]);
    // every required argument and block is there
    const rendered = new Set(stmt.body.map((s) => (s.kind === 'comment' ? '' : s.name)));
    const required = [
      ...Object.keys(facts.components[name].arguments).filter((a) => facts.components[name].arguments[a].required),
      ...Object.keys(facts.components[name].blocks).filter((b) => !b.includes(' > ') && facts.components[name].blocks[b].required),
    ];
    expect(required.filter((r) => !rendered.has(r))).toEqual([]);
    expect(() => cfg.render()).not.toThrow();
  });

  test('the configuration blocks logging, tracing, http and livedebugging', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    new generated.LoggingBlock(cfg, 'logging', { level: 'debug' });
    new generated.TracingBlock(cfg, 'tracing', { samplingFraction: 0.5 });
    new generated.HttpBlock(cfg, 'http', { tls: { certFile: '/c', keyFile: '/k' } });
    new generated.LivedebuggingBlock(cfg, 'livedebugging', { enabled: false });
    expect(cfg.render()).toContain('logging {\n\tlevel = "debug"\n}\n\ntracing {\n\tsampling_fraction = 0.5\n}\n\nhttp {\n\ttls {');
    expect(cfg.configBlocks.map((b) => b.componentName)).toEqual(['logging', 'tracing', 'http', 'livedebugging']);
  });

  test('loki.process stages render in the order given', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    const w = new generated.LokiWrite(cfg, 'w', { endpoint: { url: 'http://loki:3100/loki/api/v1/push' } });
    new generated.LokiProcess(cfg, 'p', {
      forwardTo: [w.receiver],
      stages: [{ json: { expressions: { level: 'lvl' } } }, { labels: { values: { level: '' } } }, { drop: { olderThan: '24h' } }],
    });
    expect(cfg.render()).toContain(
      'loki.process "p" {\n\tforward_to = [loki.write.w.receiver]\n\n\tstage.json {\n\t\texpressions = {\n\t\t\tlevel = "lvl",\n\t\t}\n\t}\n\n' +
      '\tstage.labels {\n\t\tvalues = {\n\t\t\tlevel = "",\n\t\t}\n\t}\n\n\tstage.drop {\n\t\tolder_than = "24h"\n\t}\n}',
    );
  });

  test('stage.match runs nested stages', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    const w = new generated.LokiWrite(cfg, 'w', { endpoint: { url: 'http://loki:3100/loki/api/v1/push' } });
    new generated.LokiProcess(cfg, 'p', {
      forwardTo: [w.receiver],
      stages: [{ match: { selector: '{app="x"}', stages: [{ json: { expressions: { msg: '' } } }, { drop: { olderThan: '1h' } }] } }],
    });
    expect(cfg.render()).toContain(
      '\tstage.match {\n\t\tselector = "{app=\\"x\\"}"\n\n\t\tstage.json {\n\t\t\texpressions = {\n\t\t\t\tmsg = "",\n\t\t\t}\n\t\t}\n\n' +
      '\t\tstage.drop {\n\t\t\tolder_than = "1h"\n\t\t}\n\t}\n}',
    );
  });

  test('connectors: input and output carry the signals the connector really takes and gives', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    const logs = new generated.OtelcolConnectorSpanlogs(cfg, 'sl', { output: {}, dropOutput: true });
    expect(logs.input.signals).toEqual(['traces']);
    const schema = generated.OtelcolConnectorSpanmetrics.DEFINITION.schema.output;
    expect(schema.kind === 'block' && Object.keys(schema.body)).toEqual(['metrics']);
  });

  test('fails when a stage element does not name exactly one stage', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    new generated.LokiProcess(cfg, 'p', { forwardTo: [], dropOutput: true, stages: [{ json: {}, drop: {} } as never] });
    expect(() => cfg.render()).toThrow('test/alloy/p (loki.process.p) > stages[0]: expected an object with exactly one key naming a stage.* block (got keys ["json","drop"]); use one of cri,');
    const cfg2 = new AlloyConfig(Testing.chart(), 'alloy');
    new generated.LokiProcess(cfg2, 'p', { forwardTo: [], dropOutput: true, stages: {} as never });
    expect(() => cfg2.render()).toThrow('test/alloy/p (loki.process.p) > stages: expected a list (got an object); pass an array of { cri: {...} } objects');
  });

  test('exports are typed by kind', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    expect(new generated.DiscoveryKubernetes(cfg, 'k', { role: 'pod' }).targets.capsuleType).toBe('Targets');
    expect(new generated.OtelcolStorageFile(cfg, 's').handler.capsuleType).toBe('StorageHandler');
    expect(new generated.PyroscopeWrite(cfg, 'p').receiver.capsuleType).toBe('ProfilesReceiver');
    expect(new generated.OtelcolConnectorSpanmetrics(cfg, 'sm', { histogram: {}, output: {}, dropOutput: true }).input.signals).toEqual(['traces']);
    expect(new generated.LocalFile(cfg, 'f', { filename: '/x' }).content.path).toBe('local.file.f.content');
  });

  test('npm run import:alloy reproduces imports/alloy/ byte for byte', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-gen-'));
    const run = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'scripts', 'generate-alloy.ts'), out], { encoding: 'utf-8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('185 components in the facts: generated 184');
    const list = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, encoding: 'utf-8' }).filter((f) => f.endsWith('.ts')).sort();
    const committed = list(path.join(root, 'imports', 'alloy'));
    expect(list(out)).toEqual(committed);
    const stale = committed.filter((f) => fs.readFileSync(path.join(out, f), 'utf-8') !== fs.readFileSync(path.join(root, 'imports', 'alloy', f), 'utf-8'));
    expect(stale).toEqual([]);
    fs.rmSync(out, { recursive: true, force: true });
  });
});

const formatter = process.env.ALLOY_FMT;
(formatter ? test : test.skip)('every generated component with its required arguments is in alloy fmt form (ALLOY_FMT)', () => {
  const cfg = new AlloyConfig(Testing.chart(), 'alloy');
  for (const name of live) {
    const cls = classes.get(name)!;
    new cls(cfg, `c_${name.replace(/\./g, '_')}`, { ...requiredProps(cfg, cls.DEFINITION.schema), dropOutput: true });
  }
  const text = cfg.render();
  const [cmd, ...args] = formatter!.split(' ');
  expect(execFileSync(cmd, args, { input: text, encoding: 'utf-8' })).toBe(text);
});
