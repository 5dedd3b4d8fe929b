/**
 * The one table of what an Alloy component needs (lib/workloads/alloy-components.ts): each
 * row's access, ports, storage, run-once and egress, the walk of a config into needs, and a
 * guard that no other file of lib/ decides by a component's name.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { Testing } from 'cdk8s';
import { DiscoveryKubernetes, LokiWrite, OtelcolStorageFile, PrometheusScrape } from '../../imports/alloy';
import { AlloyComponent, AlloyConfig, AlloyValue, Expr, Statement, attribute, block } from '../../lib';
import { ALLOY_COMPONENTS, componentNeeds, configNeeds, specOf } from '../../lib/workloads/alloy-components';
import { SERVICE_ACCOUNT_TOKEN } from '../../lib/pipelines';
import { facts } from '../support/alloy-facts';

const READ = ['get', 'list', 'watch'];
const needs = (name: string, body: readonly Statement[] = []) => componentNeeds(block(name, 'x', body), { ownNamespace: 'obs', subject: `s (${name}.x)` });
const rulesOf = (name: string, body: readonly Statement[] = []) => {
  const access = needs(name, body).access;
  if (access.kind !== 'rules') throw new Error(`${name}: ${access.kind}`);
  return access.rules;
};
const a = (name: string, value: AlloyValue) => attribute(name, value);
const b = (name: string, body: readonly Statement[]) => block(name, undefined, body);

describe('the table: API access per component', () => {
  test('discovery.kubernetes: what its role reads, in the namespaces it names (own_namespace is the collector\'s), nodes for attach_metadata', () => {
    expect(rulesOf('discovery.kubernetes', [a('role', 'pod'), b('namespaces', [a('names', ['apps']), a('own_namespace', true)]), b('attach_metadata', [a('node', true)])])).toEqual([
      { namespace: 'apps', rule: { apiGroups: [''], resources: ['pods'], verbs: READ } },
      { namespace: 'obs', rule: { apiGroups: [''], resources: ['pods'], verbs: READ } },
      { rule: { apiGroups: [''], resources: ['nodes'], verbs: READ } },
    ]);
    expect(rulesOf('discovery.kubernetes', [a('role', 'endpoints')])).toEqual([{ rule: { apiGroups: [''], resources: ['endpoints', 'services', 'pods'], verbs: READ } }]);
    expect(rulesOf('discovery.kubernetes', [a('role', 'nonsense')])).toEqual([]);
  });

  test.each([
    ['loki.source.kubernetes', [], [{ rule: { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: READ } }]],
    ['loki.source.kubernetes_events', [a('namespaces', ['apps'])], [{ namespace: 'apps', rule: { apiGroups: [''], resources: ['events'], verbs: READ } }]],
    ['loki.source.kubernetes_events', [], [{ rule: { apiGroups: [''], resources: ['events'], verbs: READ } }]],
    ['loki.source.podlogs', [], [
      { rule: { apiGroups: ['monitoring.grafana.com'], resources: ['podlogs'], verbs: READ } },
      { rule: { apiGroups: [''], resources: ['pods', 'pods/log', 'namespaces'], verbs: READ } },
    ]],
    ['remote.kubernetes.secret', [a('name', 'creds')], [{ namespace: 'obs', rule: { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['creds'] } }]],
    ['remote.kubernetes.configmap', [a('namespace', 'apps'), a('name', 'settings')], [{ namespace: 'apps', rule: { apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['settings'] } }]],
    ['otelcol.processor.k8sattributes', [], [
      { rule: { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: READ } },
      { rule: { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ } },
    ]],
    ...['servicemonitors', 'podmonitors', 'probes', 'scrapeconfigs'].map((crd) => [`prometheus.operator.${crd}`, [], [
      { rule: { apiGroups: ['monitoring.coreos.com'], resources: [crd], verbs: READ } },
      { rule: { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'namespaces'], verbs: READ } },
      { rule: { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ } },
    ]] as const),
    ...['mimir.rules.kubernetes', 'loki.rules.kubernetes'].map((name) => [name, [], [
      { rule: { apiGroups: ['monitoring.coreos.com'], resources: ['prometheusrules'], verbs: READ } },
      { rule: { apiGroups: [''], resources: ['namespaces'], verbs: READ } },
    ]] as const),
    ['prometheus.scrape', [a('bearer_token_file', SERVICE_ACCOUNT_TOKEN)], [{ rule: { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] } }]],
    ['prometheus.scrape', [a('bearer_token_file', '/other/token')], []],
    ['prometheus.scrape', [], []],
  ] as Array<[string, Statement[], unknown]>)('%s %#', (name, body, expected) => {
    expect(rulesOf(name, body)).toEqual(expected);
  });

  test('fails closed: the components whose needs are not derived, and nothing else', () => {
    const notDerived = Object.keys(ALLOY_COMPONENTS).filter((k) => ALLOY_COMPONENTS[k].access === 'not-derived');
    expect(notDerived.sort()).toEqual(['beyla.ebpf', 'discovery.kubelet', 'mimir.alerts.kubernetes', 'otelcol.receiver.k8s_cluster', 'otelcol.receiver.k8sobjects']);
    for (const name of notDerived) {
      expect(needs(name).access).toEqual({
        kind: 'not-derived',
        reason: `s (${name}.x): ${name} needs Kubernetes API access that cdk8s-alloy does not derive; grant it with alloy.grantClusterAccess([...]) (the rules its documentation lists)`,
      });
    }
  });

  test('an expression where the rules need a literal is recorded, naming the argument', () => {
    expect(needs('remote.kubernetes.secret', [a('name', Expr.env('N'))]).access).toEqual({
      kind: 'not-literal',
      reason: 's (remote.kubernetes.secret.x): name must be a literal to derive the RBAC it needs (got an expression); write it out, or grant the access by hand',
    });
    expect(needs('loki.source.kubernetes_events', [a('namespaces', Expr.env('N'))]).access.kind).toBe('not-literal');
    expect(needs('discovery.kubernetes', [a('role', 'pod'), b('namespaces', [a('names', Expr.env('N'))])]).access.kind).toBe('not-literal');
  });
});

describe('the table: ports, storage, run-once', () => {
  test('an OTel receiver listens on its host:port endpoints (not URLs), at any depth', () => {
    expect(needs('otelcol.receiver.otlp', [b('grpc', [a('endpoint', '0.0.0.0:4317')]), b('http', [a('endpoint', 'http://0.0.0.0:4318')])]).listens)
      .toEqual([{ where: 'grpc', port: 4317 }]);
    expect(needs('otelcol.receiver.zipkin', [a('endpoint', '0.0.0.0:9411')]).listens).toEqual([{ where: 'endpoint', port: 9411 }]);
    // an exporter's endpoint is where it sends, not where it listens
    expect(needs('otelcol.exporter.otlp', [b('client', [a('endpoint', 'tempo:4317')])]).listens).toEqual([]);
  });

  test('a server listens on its listen_port', () => {
    expect(needs('loki.source.api', [b('http', [a('listen_port', 3500)])]).listens).toEqual([{ where: 'http', port: 3500 }]);
    expect(needs('faro.receiver', [b('server', [a('listen_port', 12347)])]).listens).toEqual([{ where: 'server', port: 12347 }]);
  });

  test('every component of Alloy with a listen_port, and every OTel receiver, has its row', () => {
    const hasArgument = (c: (typeof facts.components)[string], name: string) =>
      name in c.arguments || Object.values(c.blocks).some((x) => name in x.arguments);
    for (const [name, c] of Object.entries(facts.components)) {
      if (hasArgument(c, 'listen_port')) expect([name, specOf(name).listensOn]).toEqual([name, 'listen_port']);
      if (name.startsWith('otelcol.receiver.')) expect([name, specOf(name).listensOn]).toEqual([name, 'endpoint']);
    }
  });

  test('a family row and a component\'s own row add up', () => {
    expect(specOf('otelcol.receiver.k8s_cluster')).toMatchObject({ listensOn: 'endpoint', access: 'not-derived' });
    expect(specOf('otelcol.exporter.loadbalancing').egress).toBe(ALLOY_COMPONENTS['otelcol.exporter.*'].egress);
  });

  test('otelcol.storage.file keeps its state in its directory', () => {
    expect(needs('otelcol.storage.file', [a('directory', '/var/lib/alloy/data/q')]).storage).toEqual([{ attribute: 'directory', directory: '/var/lib/alloy/data/q' }]);
    expect(needs('otelcol.storage.file').storage).toEqual([]);
    expect(needs('otelcol.storage.file', [a('directory', Expr.env('DIR'))]).storage).toEqual([]);
  });

  test('scraping and reading the cluster\'s pods and events run once across replicas', () => {
    const once = Object.fromEntries(Object.entries(ALLOY_COMPONENTS).filter(([, s]) => s.runOnce !== undefined).map(([k, s]) => [k, s.runOnce]));
    expect(once).toEqual({
      'prometheus.scrape': { twice: 'scrape the same targets', wholeCluster: false },
      'loki.source.kubernetes': { twice: 'read the same pods and send them twice', wholeCluster: true },
      'loki.source.kubernetes_events': { twice: 'read the same events and send them twice', wholeCluster: true },
    });
    expect(needs('prometheus.scrape').runOnce).toEqual(once['prometheus.scrape']);
  });

  test('clustering is read at any depth, and only when enabled', () => {
    expect(needs('prometheus.scrape', [b('clustering', [a('enabled', true)])]).clustered).toBe(true);
    expect(needs('pyroscope.scrape', [b('outer', [b('clustering', [a('enabled', true)])])]).clustered).toBe(true);
    expect(needs('prometheus.scrape', [b('clustering', [a('enabled', false)])]).clustered).toBe(false);
  });
});

describe('the table: egress', () => {
  test('exporters and writers send to every endpoint and url of their blocks', () => {
    expect(needs('otelcol.exporter.otlp', [b('client', [a('endpoint', 'tempo:4317')])]).egress).toEqual({ sendsTo: ['tempo:4317'], kubelets: false });
    expect(needs('prometheus.remote_write', [b('endpoint', [a('url', 'http://prometheus:9090/api/v1/write')])]).egress.sendsTo).toEqual(['http://prometheus:9090/api/v1/write']);
    expect(needs('loki.write', [b('endpoint', [a('url', 'http://loki:3100/loki/api/v1/push')]), b('endpoint', [a('url', Expr.env('URL'))])]).egress.sendsTo)
      .toEqual(['http://loki:3100/loki/api/v1/push']);
  });

  test('a scrape reaches its static targets, any discovered pod, or the kubelets', () => {
    expect(needs('prometheus.scrape', [a('targets', [{ __address__: 'ksm:8080' }, { __address__: 'alloy:12345', job: 'x' }])]).egress)
      .toEqual({ sendsTo: [], kubelets: false, scrapes: ['ksm:8080', 'alloy:12345'] });
    expect(needs('prometheus.scrape', [a('targets', Expr.ref('discovery.relabel.pods.output'))]).egress.scrapes).toBe('discovered');
    expect(needs('prometheus.scrape', [a('targets', [{ __address__: Expr.env('A') }])]).egress.scrapes).toBe('discovered');
    expect(needs('prometheus.scrape', [a('targets', Expr.ref('discovery.kubernetes.nodes.targets')), a('bearer_token_file', SERVICE_ACCOUNT_TOKEN)]).egress)
      .toEqual({ sendsTo: [], kubelets: true });
  });

  test('pod discovery finds pods in the namespaces it names, or in all', () => {
    const inNs = (body: Statement[]) => needs('discovery.kubernetes', body).egress.discoversPodsIn;
    expect(inNs([a('role', 'node')])).toBeUndefined();
    expect(inNs([a('role', 'ingress')])).toBeUndefined();
    expect(inNs([a('role', 'pod')])).toBe('all');
    expect(inNs([a('role', 'pod'), b('namespaces', [a('names', ['apps']), a('own_namespace', true)])])).toEqual(['apps', 'obs']);
    expect(inNs([a('role', 'service'), b('namespaces', [a('names', Expr.env('NS')), a('own_namespace', true)])])).toEqual(['obs']);
    expect(inNs([a('role', 'pod'), b('namespaces', [a('names', Expr.env('NS'))])])).toBe('all');
  });

  test('a component not in the table needs nothing', () => {
    expect(needs('prometheus.relabel', [a('url', 'http://x:1'), b('rule', [a('listen_port', 1)])])).toEqual({
      name: 'prometheus.relabel',
      subject: 's (prometheus.relabel.x)',
      block: expect.anything(),
      access: { kind: 'rules', rules: [] },
      listens: [],
      storage: [],
      runOnce: undefined,
      clustered: false,
      egress: { sendsTo: [], kubelets: false },
    });
  });
});

describe('a config is walked once per component count', () => {
  test('the same record until a component is added; host paths the pipelines declare come along', () => {
    const config = new AlloyConfig(Testing.chart(), 'config');
    new LokiWrite(config, 'w', { endpoint: [{ url: 'http://loki:3100/loki/api/v1/push' }] });
    config.requireHostPath('/var/log/pods', 'test/node-logs');
    const reads = jest.spyOn(AlloyComponent.prototype, 'toStatement');
    const first = configNeeds(config, 'obs');
    expect(configNeeds(config, 'obs')).toBe(first);
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
    expect(first.components.map((n) => [n.subject, n.egress.sendsTo])).toEqual([['test/config/w (loki.write.w)', ['http://loki:3100/loki/api/v1/push']]]);
    expect([...first.hostPaths]).toEqual([['/var/log/pods', 'test/node-logs']]);
    const pods = new DiscoveryKubernetes(config, 'pods', { role: 'pod', namespaces: { ownNamespace: true } });
    new PrometheusScrape(config, 's', { targets: pods.targets, forwardTo: [], dropOutput: true });
    new OtelcolStorageFile(config, 'q', { directory: '/tmp/q' });
    const second = configNeeds(config, 'obs');
    expect(second).not.toBe(first);
    expect(second.components.map((n) => n.component.componentId)).toEqual(['loki.write.w', 'discovery.kubernetes.pods', 'prometheus.scrape.s', 'otelcol.storage.file.q']);
    expect(second.components[1].egress.discoversPodsIn).toEqual(['obs']);
    expect(second.components[2].egress.scrapes).toBe('discovered');
    expect(second.components[3].storage).toEqual([{ attribute: 'directory', directory: '/tmp/q' }]);
    // read in another namespace, own_namespace follows
    expect(configNeeds(config, 'other').components[1].egress.discoversPodsIn).toEqual(['other']);
  });
});

describe('the table is the only place that decides by a component\'s name', () => {
  // a string literal that is exactly a component's Alloy name (or the prefix of a family,
  // "otelcol.exporter."), or a regular expression that spells one out, is a decision by name
  // (prose that mentions a component is not)
  const names = new Set([...Object.keys(facts.components), ...Object.keys(ALLOY_COMPONENTS).filter((k) => !k.endsWith('.*'))]);
  const isName = (s: string) => names.has(s) || (s.endsWith('.') && [...names].some((n) => n.startsWith(s)));
  const root = path.join(__dirname, '..', '..');
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
  /** Decisions by name that are not about what a component needs from its collector. */
  const ALLOWED = new Set([
    // the memory limiter's limit is checked against the container's memory
    'lib/workloads/alloy-checks.ts: otelcol.processor.memory_limiter',
    // the outage budget finds the remote-write WAL to size its row
    'lib/stack/outage-budget.ts: prometheus.remote_write',
  ]);

  const namedIn = (file: string): string[] => {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.ES2022, true);
    const found: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isStringLiteralLike(node) && isName(node.text)) found.push(node.text);
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        for (const m of node.getText().matchAll(/[a-z_]+(?:\\\.[a-z0-9_]+)+(?:\\\.)?/g)) {
          const name = m[0].replace(/\\\./g, '.');
          if (isName(name)) found.push(name);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
  };

  test('the guard finds names in strings and regular expressions, not in prose', () => {
    const tmp = path.join(fs.mkdtempSync(path.join(require('os').tmpdir(), 'names-')), 'x.ts');
    fs.writeFileSync(tmp, [
      'if (c.componentName === \'prometheus.scrape\') {}',
      'const r = /^(otelcol\\.exporter\\.|loki\\.write$)/;',
      'const p = name.startsWith("otelcol.receiver.");',
      '// a comment on prometheus.scrape',
      'const t = `sent by prometheus.remote_write, per second`;',
      'const y = \'prometheus.yml\';',
    ].join('\n'));
    expect(namedIn(tmp)).toEqual(['prometheus.scrape', 'otelcol.exporter.', 'loki.write', 'otelcol.receiver.']);
  });

  test('no file of lib/ but alloy-components.ts (and the pipelines, which create components) names a component', () => {
    const offenders = files(path.join(root, 'lib'))
      .map((f) => path.relative(root, f).split(path.sep).join('/'))
      .filter((f) => f !== 'lib/workloads/alloy-components.ts' && !f.startsWith('lib/pipelines/'))
      .flatMap((f) => namedIn(path.join(root, f)).map((name) => `${f}: ${name}`))
      .filter((x) => !ALLOWED.has(x));
    expect(offenders).toEqual([]);
  });
});
