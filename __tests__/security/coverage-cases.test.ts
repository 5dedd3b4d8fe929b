/**
 * The remaining branches of RBAC derivation, secret checks, addresses and diagrams.
 */
import { Chart, Testing } from 'cdk8s';
import {
  DiscoveryKubernetes, LokiSourceKubernetesEvents, LokiSourcePodlogs, LokiRulesKubernetes, OtelcolProcessorK8sattributes,
  PrometheusOperatorServicemonitors, RemoteKubernetesConfigmap, LokiWrite, OtelcolExporterOtlp,
} from '../../imports/alloy';
import { Alloy, AlloyConfig, Connections, Destination, Expr, ObservabilityStack, ServerWorkload } from '../../lib';
import { mermaidDiagram } from '../../lib/alloy';
import { renderBody } from '../../lib/alloy/internal';
import { accessOf, parseAddress } from '../../lib/workloads';
import { find, manifestsOf, testApp } from '../support/manifests';

const rules = (build: (a: Alloy) => void) => {
  const chart = new Chart(testApp(), 'c');
  const alloy = new Alloy(chart, 'alloy', { namespace: 'obs' });
  build(alloy);
  return alloy.accessRules();
};

describe('RBAC derivation by component', () => {
  test.each([
    ['node', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }]],
    ['endpointslice', [{ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] }, { apiGroups: [''], resources: ['services', 'pods'], verbs: ['get', 'list', 'watch'] }]],
    ['ingress', [{ apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] }]],
    ['nonsense', []],
  ])('discovery.kubernetes role %s', (role, expected) => {
    expect(rules((a) => new DiscoveryKubernetes(a.config, 'd', { role })).cluster).toEqual(expected);
  });

  test('attach_metadata node adds nodes; events in namespaces are Roles; configmaps by name; podlogs, k8sattributes, operator CRDs, rules', () => {
    const r = rules((a) => {
      new DiscoveryKubernetes(a.config, 'd', { role: 'pod', attachMetadata: { node: true }, namespaces: { names: ['apps'] } });
      new LokiSourceKubernetesEvents(a.config, 'ev', { namespaces: ['apps'], forwardTo: [], dropOutput: true });
      new RemoteKubernetesConfigmap(a.config, 'cm', { namespace: 'apps', name: 'settings' });
      new LokiSourcePodlogs(a.config, 'pl', { forwardTo: [], dropOutput: true });
      new OtelcolProcessorK8sattributes(a.config, 'k8s', { output: {}, dropOutput: true });
      new PrometheusOperatorServicemonitors(a.config, 'sm', { forwardTo: [], dropOutput: true });
      new LokiRulesKubernetes(a.config, 'rules', { address: 'http://loki:3100' });
    });
    // rules of one API group and the same verbs merge into one
    expect(r.byNamespace.get('apps')).toEqual([
      { apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['settings'] },
    ]);
    expect(r.cluster.map((x) => `${x.apiGroups[0]}/${x.resources.join(',')}`)).toEqual([
      '/nodes,pods,pods/log,namespaces,services,endpoints', 'monitoring.grafana.com/podlogs', 'apps/replicasets',
      'monitoring.coreos.com/servicemonitors,prometheusrules', 'discovery.k8s.io/endpointslices',
    ]);
  });

  test('an expression where a literal is needed fails, naming the argument', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    const d = new DiscoveryKubernetes(cfg, 'd', { role: Expr.env('ROLE') });
    expect(() => accessOf(d.toStatement(), 'obs')).toThrow('discovery.kubernetes: role must be a literal to derive the RBAC it needs (got an expression)');
    const n = new DiscoveryKubernetes(cfg, 'n', { role: 'pod', namespaces: { names: Expr.env('NS') } });
    expect(() => accessOf(n.toStatement(), 'obs')).toThrow('namespaces.names must be a literal');
  });

  test('a granted collector may use an unmapped component', () => {
    const r = rules((a) => {
      a.grantClusterAccess([{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]);
      new (require('../../imports/alloy').DiscoveryKubelet)(a.config, 'k', {});
    });
    expect(r.cluster).toEqual([{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]);
  });
});

describe('secrets: what counts as a reference', () => {
  const secret = (value: unknown) => () => renderBody('s', { t: value }, { t: { kind: 'attribute', name: 't', type: 'secret' } });
  test.each([
    ['sys.env', Expr.env('A')],
    ['a reference', Expr.ref('remote.kubernetes.secret.creds.data')],
    ['an index into a reference', Expr.index(Expr.ref('remote.kubernetes.secret.creds.data'), 'password')],
    ['a function of references', Expr.call('encoding.from_base64', Expr.env('B64'))],
    ['an operator over references', Expr.op(Expr.env('A'), '+', Expr.env('B'))],
    ['a negation of a reference', Expr.not(Expr.env('A'))],
  ])('%s is accepted', (_, v) => {
    expect(secret(v)).not.toThrow();
  });
  test.each([
    ['sys.env of two arguments', Expr.call('sys.env', 'A', 'B')],
    ['an index into a literal', Expr.index('literal' as never, 0)],
    ['an operator over a literal', Expr.op(Expr.env('A'), '+', 'literal')],
    ['a negation of a literal', Expr.not('literal' as never)],
    ['a number', 42],
  ])('%s is refused', (_, v) => {
    expect(secret(v)).toThrow('a secret cannot be a literal');
  });
});

describe('addresses, credentials and diagrams', () => {
  test('addresses: host:port, URLs with and without a port, dns:///, and garbage', () => {
    expect(parseAddress('tempo:4317')).toEqual({ host: 'tempo', port: 4317 });
    expect(parseAddress('https://x.example.com/p')).toEqual({ host: 'x.example.com', port: 443 });
    expect(parseAddress('http://x.example.com')).toEqual({ host: 'x.example.com', port: 80 });
    expect(parseAddress('dns:///tempo.obs.svc:4317')).toEqual({ host: 'tempo.obs.svc', port: 4317 });
    expect(parseAddress('http://[broken')).toBeUndefined();
    expect(parseAddress('no-port')).toBeUndefined();
  });

  test('a component of your own reaches a backend by pod once its connection is recorded; a pasted address alone is outside the stack', () => {
    const stack = new ObservabilityStack(testApp(), 'observability');
    const full = new OtelcolExporterOtlp(stack.alloy.config, 'full', { client: { endpoint: 'tempo.observability.svc.cluster.local:4318' } });
    const tempoFrom = (ms: any[]) => find(ms, 'NetworkPolicy', 'tempo').spec.ingress.filter((r: any) => r.from[0].podSelector?.matchLabels['app.kubernetes.io/name'] === 'alloy');
    const before = manifestsOf(stack);
    // by address: egress by port only, and Tempo does not take it
    expect(find(before, 'NetworkPolicy', 'alloy').spec.egress.find((r: any) => r.ports?.some((p: any) => p.port === 4318)).to).toEqual([{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }]);
    expect(tempoFrom(before).flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([4317]);
    Connections.of(stack).allowComponent(stack.alloy.config, full, stack.tempo.workload.peer, 4318);
    const after = manifestsOf(stack);
    const egress = find(after, 'NetworkPolicy', 'alloy').spec.egress;
    expect(egress.find((r: any) => r.to[0].podSelector?.matchLabels['app.kubernetes.io/name'] === 'tempo').ports.map((p: any) => p.port)).toEqual([4317, 4318]);
    expect(tempoFrom(after).flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([4317, 4318]);
  });

  test('Loki push and OTLP destinations take credentials from Secrets', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    Destination.lokiPush({ name: 'remote', url: 'https://logs.example.com/loki/api/v1/push', credentials: { basicAuth: { username: 'u', password: { name: 'logs', key: 'pw' } } } }).logsInput(cfg);
    Destination.lokiOtlp({ name: 'otlp', url: 'https://logs.example.com/otlp', credentials: { basicAuth: { username: 'u', password: { name: 'logs', key: 'pw' } } } }).logsInput(cfg);
    const text = cfg.render();
    expect(text).toContain('basic_auth {\n\t\t\tpassword = sys.env("SECRET_LOGS_PW")');
    expect(text).toContain('otelcol.auth.basic "otlp" {\n\tpassword = sys.env("SECRET_LOGS_PW")\n\tusername = "u"\n}');
    // the same Secret key twice is one variable
    expect(cfg.secretEnv({ name: 'logs', key: 'pw' }).args).toEqual(['SECRET_LOGS_PW']);
    cfg.secretEnv({ name: 'a-b', key: 'c' });
    expect(() => cfg.secretEnv({ name: 'a', key: 'b-c' })).toThrow('Secret keys a-b/c and a/b-c map to one variable SECRET_A_B_C; rename one');
  });

  test('the diagram shows generic references and config blocks', () => {
    const cfg = new AlloyConfig(Testing.chart(), 'alloy');
    const w = new LokiWrite(cfg, 'w');
    new LokiWrite(cfg, 'x', { endpoint: { url: 'http://x', bearerToken: Expr.ref('loki.write.w.receiver', w) } });
    expect(mermaidDiagram(cfg, 'T')).toContain('c0 -.->|bearer_token| c1');
  });

  test('a workload with storage and replicas must be a StatefulSet', () => {
    expect(() => new ServerWorkload(Testing.chart(), 'w', {
      namespace: 'o', name: 'app', instance: 'i', component: 'c', image: 'img:1', ports: [{ name: 'http', port: 80 }],
      readiness: { path: '/', port: 'http' }, runAs: { uid: 1, gid: 1 },
      resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
      configFiles: { mountPath: '/etc/x', data: {} }, controller: { kind: 'Deployment', replicas: 2, storage: { mountPath: '/data', size: '1Gi' } },
    })).toThrow('test/w: 2 replicas cannot share one ReadWriteOnce volume (got replicas 2 with storage); run a StatefulSet or one replica');
  });
});
