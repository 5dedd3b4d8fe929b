/**
 * The package root is what a user writes (DESIGN.md: the stack, workloads, pipelines,
 * destinations, the config; generated components under their own namespace; helpers for
 * generated code internal): few names, each listed explicitly in lib/index.ts, none generated,
 * none shared by two things; and the docs import only what the root exports.
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
/** lib/index.ts without its comments. */
const index = fs.readFileSync(path.join(root, 'lib', 'index.ts'), 'utf-8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
const lib = require('../lib') as Record<string, unknown>;
const generated = require('../imports/alloy') as Record<string, unknown>;

const listed = (re: RegExp): string[] => [...index.matchAll(re)]
  .flatMap((m) => m[1].split(',')).map((n) => n.trim()).filter((n) => n !== '');
const runtimeNames = Object.keys(lib).sort();
/** The type-only exports: the lists of `export type { ... } from`. */
const typeNames = listed(/export type \{([^}]*)\} from/g).sort();
/** Every name a generated file exports: classes, their props and block interfaces. */
const generatedNames = new Set(fs.readdirSync(path.join(root, 'imports', 'alloy', 'components')).flatMap((f) =>
  [...fs.readFileSync(path.join(root, 'imports', 'alloy', 'components', f), 'utf-8').matchAll(/^export (?:class|interface|type|const) (\w+)/gm)].map((m) => m[1])));

test('the root exports fewer than 135 names, runtime and types, each listed explicitly', () => {
  const all = [...runtimeNames, ...typeNames];
  // the types a user writes for object storage, their own backends, autoscaling and sizing among
  // them; the Compose project (composeProject, its props and result, StackPlatform); and the layout
  // of a hand-written config.alloy (Layout, LayoutItem, PrintOrderItem, AlloyConfigProps)
  expect(all.length).toBeLessThan(140);
  expect(new Set(all).size).toBe(all.length);
  // no `export *` but the namespace of generated components
  expect(index.match(/export \*(?! as components from '\.\.\/imports\/alloy')/g)).toBeNull();
  // the runtime names are exactly those of the value lists (plus the namespace)
  expect(runtimeNames).toEqual([...listed(/export \{([^}]*)\} from/g), 'components'].sort());
});

test('no generated class or interface at the root: they are the namespace components', () => {
  expect([...runtimeNames, ...typeNames].filter((n) => generatedNames.has(n))).toEqual([]);
  expect(Object.keys(generated).length).toBeGreaterThanOrEqual(188);
  expect(lib.components).toBe(generated);
  expect(Object.keys(lib.components as object).sort()).toEqual(Object.keys(generated).sort());
});

test('plumbing, doc formatters, validation, generated-code helpers and this repository\'s environments stay internal', () => {
  const internal = [
    'attr', 'blk', 'enumBlocks', 'renderBody', 'checkStatements', 'knownNames', 'describe', 'ALLOY_CONFIG_MARKER', 'printBody',
    'BodySchema', 'ComponentDefinition', 'workloadLabels', 'restrictedPodSecurityContext', 'restrictedContainerSecurityContext',
    'exceptionPodSecurityContext', 'exceptionContainerSecurityContext', 'toResourceRequirements', 'accessOf', 'mergeRules',
    'parseAddress', 'budgetTable', 'windowsTable', 'formatDuration', 'formatSize', 'mermaidDiagram', 'assertDnsLabel',
    'assertPort', 'goDuration', 'parseSize', 'parseDuration', 'synthApp', 'ourMessage', 'ENVIRONMENTS', 'Duration', 'Secret', 'IAlertReceiver', 'ScrapeTarget',
  ];
  expect(internal.filter((n) => runtimeNames.includes(n) || typeNames.includes(n))).toEqual([]);
});

test('what a user writes is there', () => {
  for (const n of [
    'ObservabilityStack', 'synthEnvironments', 'Environments', 'EnvironmentApp', 'AlloyConfig', 'AlloyComponent', 'Expr', 'Alloy', 'Tempo', 'Loki', 'Prometheus', 'Grafana',
    'Alertmanager', 'KubeStateMetrics', 'StackNetworkPolicies', 'Connections', 'OtlpGateway', 'OtlpEnrichment', 'PodLogs', 'NodeLogs',
    'ClusterEvents', 'AnnotationAutodiscovery', 'KubeletMetrics', 'KubeletVolumeStats', 'StaticScrape', 'Destination', 'DurableQueue',
    'SmokeTest', 'IMAGES', 'composeProject',
  ]) {
    expect({ n, exported: n in lib }).toEqual({ n, exported: true });
  }
  for (const n of ['ObservabilityStackProps', 'AlloyDuration', 'AlloySecret', 'IAlertmanager', 'PrometheusScrapeTarget', 'IScrapeTarget', 'Environment', 'StackPlatform', 'ComposeProjectProps']) {
    expect({ n, exported: typeNames.includes(n) }).toEqual({ n, exported: true });
  }
});

test('package.json exports the generated components as the subpath cdk8s-alloy/components', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
  expect(pkg.exports['./components']).toEqual({ types: './build/imports/alloy/index.d.ts', default: './build/imports/alloy/index.js' });
});

test('README.md and docs/ import from cdk8s-alloy only what it exports', () => {
  const pages = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const wrong: string[] = [];
  let imports = 0;
  for (const page of pages) {
    const text = fs.readFileSync(path.join(root, page), 'utf-8');
    for (const m of text.matchAll(/import \{([^}]*)\} from 'cdk8s-alloy(\/components)?'/g)) {
      imports++;
      const names = m[1].split(',').map((n) => n.trim().replace(/^type /, '')).filter((n) => n !== '');
      const known = m[2] ? (n: string) => generatedNames.has(n) : (n: string) => runtimeNames.includes(n) || typeNames.includes(n);
      wrong.push(...names.filter((n) => !known(n)).map((n) => `${page}: ${n}`));
    }
  }
  expect(imports).toBeGreaterThan(3);
  expect(wrong).toEqual([]);
});
