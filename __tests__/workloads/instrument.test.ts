/**
 * instrument(): a cdk8s-plus-28 workload sends OTLP to the gateway, with the pod's identity;
 * the stack's NetworkPolicies admit it; its pods can ask to be scraped.
 */
import { Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnnotationAutodiscovery, ObservabilityStack, instrument } from '../../lib';
import { schemaErrors } from '../support/k8s-schema';
import { Manifest, find, manifestsOf, testApp } from '../support/manifests';

const IMAGE = 'ghcr.io/example/app:1.0.0';

function setup(stackProps: ConstructorParameters<typeof ObservabilityStack>[2] = {}, appNamespace = 'shop') {
  const app = testApp();
  const stack = new ObservabilityStack(app, 'observability', stackProps);
  const chart = new Chart(app, 'apps', { namespace: appNamespace });
  return { app, stack, chart };
}

const podSpec = (m: Manifest) => (m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template : m.spec.template);
const envOf = (m: Manifest, i = 0) => podSpec(m).spec.containers[i].env;

const identity = [
  { name: 'K8S_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  { name: 'K8S_POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
  { name: 'K8S_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
];

test('each container gets the OTLP environment and the pod\'s identity from the downward API, exactly', () => {
  const { stack, chart } = setup();
  const d = new kplus.Deployment(chart, 'checkout', {
    metadata: { name: 'checkout' },
    containers: [{ name: 'app', image: IMAGE, envVariables: { LOG_LEVEL: kplus.EnvValue.fromValue('info') } }, { name: 'sidecar', image: IMAGE }],
  });
  stack.instrument(d);
  const m = find(manifestsOf(chart), 'Deployment', 'checkout');
  const otel = (container: string) => [
    { name: 'OTEL_SERVICE_NAME', value: 'checkout' },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://alloy.observability.svc:4317' },
    { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'grpc' },
    {
      name: 'OTEL_RESOURCE_ATTRIBUTES',
      value: 'k8s.pod.name=$(K8S_POD_NAME),k8s.pod.uid=$(K8S_POD_UID),k8s.namespace.name=$(K8S_NAMESPACE),k8s.node.name=$(K8S_NODE_NAME),' +
        `k8s.container.name=${container},service.instance.id=$(K8S_NAMESPACE).$(K8S_POD_NAME).${container}`,
    },
  ];
  // the variables used in $(...) come first, as Kubernetes expands only those defined before
  expect(envOf(m, 0)).toEqual([{ name: 'LOG_LEVEL', value: 'info' }, ...identity, ...otel('app')]);
  expect(envOf(m, 1)).toEqual([...identity, ...otel('sidecar')]);
  // not asked to be scraped
  expect(podSpec(m).metadata.annotations).toBeUndefined();
  expect(schemaErrors(m)).toEqual([]);
});

test.each([
  ['StatefulSet', (c: Chart) => new kplus.StatefulSet(c, 'w', { metadata: { name: 'ledger' }, containers: [{ image: IMAGE, ports: [{ number: 8080 }] }] })],
  ['DaemonSet', (c: Chart) => new kplus.DaemonSet(c, 'w', { metadata: { name: 'ledger' }, containers: [{ image: IMAGE }] })],
  ['Job', (c: Chart) => new kplus.Job(c, 'w', { metadata: { name: 'ledger' }, containers: [{ image: IMAGE }] })],
  ['CronJob', (c: Chart) => new kplus.CronJob(c, 'w', { metadata: { name: 'ledger' }, schedule: Cron.daily(), containers: [{ image: IMAGE }] })],
] as const)('a %s over OTLP/HTTP, named as given, its pods admitted by the gateway on 4318', (kind, make) => {
  const { stack, chart } = setup({ networkPolicies: { otlpFromNamespaces: { 'otlp': 'allowed' } } });
  const w = make(chart);
  stack.instrument(w, { protocol: 'http/protobuf', serviceName: 'ledger-api' });
  const m = find(manifestsOf(chart), kind, 'ledger');
  expect(envOf(m)).toEqual(expect.arrayContaining([
    { name: 'OTEL_SERVICE_NAME', value: 'ledger-api' },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://alloy.observability.svc:4318' },
    { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
  ]));
  const labels = podSpec(m).metadata.labels;
  const selector = m.spec.selector?.matchLabels ?? { 'cdk8s.io/metadata.addr': labels['cdk8s.io/metadata.addr'] };
  for (const [k, v] of Object.entries(selector)) expect(labels[k]).toBe(v);
  const ingress = find(manifestsOf(stack), 'NetworkPolicy', 'alloy').spec.ingress;
  // the audience of otlpFromNamespaces, and the app's own namespace, recorded by instrument
  expect(ingress).toContainEqual({ from: [{ namespaceSelector: { matchLabels: { otlp: 'allowed' } } }], ports: [{ protocol: 'TCP', port: 4317 }, { protocol: 'TCP', port: 4318 }] });
  expect(ingress).toContainEqual({
    from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: selector } }],
    ports: [{ protocol: 'TCP', port: 4318 }],
  });
  // outside the stack's namespaces the app's own egress is not the stack's to render
  expect(manifestsOf(stack).filter((x) => x.kind === 'NetworkPolicy' && x.metadata.namespace === 'shop')).toEqual([]);
});

test('an app in the stack\'s namespace (denied by default there) gets a policy letting its OTLP out to the gateway', () => {
  const { stack, chart } = setup({}, 'observability');
  const d = new kplus.Deployment(chart, 'checkout', { metadata: { name: 'checkout' }, containers: [{ image: IMAGE }] });
  stack.instrument(d);
  const selector = find(manifestsOf(chart), 'Deployment', 'checkout').spec.selector.matchLabels;
  const ms = manifestsOf(stack);
  expect(find(ms, 'NetworkPolicy', 'checkout-egress')).toMatchObject({
    metadata: { namespace: 'observability' },
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: find(ms, 'Service', 'alloy').spec.selector } }], ports: [{ protocol: 'TCP', port: 4317 }] }],
    },
  });
  expect(find(ms, 'NetworkPolicy', 'alloy').spec.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: selector } }], ports: [{ protocol: 'TCP', port: 4317 }] });
  for (const m of ms) expect(schemaErrors(m)).toEqual([]);
});

test('without the stack\'s NetworkPolicies the environment is set all the same', () => {
  const { stack, chart } = setup({ networkPolicies: false });
  const d = new kplus.Deployment(chart, 'checkout', { metadata: { name: 'checkout' }, containers: [{ image: IMAGE }] });
  stack.instrument(d);
  expect(envOf(find(manifestsOf(chart), 'Deployment', 'checkout'))).toContainEqual({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://alloy.observability.svc:4317' });
  expect(manifestsOf(stack).filter((m) => m.kind === 'NetworkPolicy')).toEqual([]);
});

test('scrape: the annotations of the stack\'s autodiscovery on the pod template', () => {
  const { stack, chart } = setup();
  const d = new kplus.Deployment(chart, 'checkout', { metadata: { name: 'checkout' }, containers: [{ image: IMAGE }] });
  stack.instrument(d, { scrape: { port: 9464, path: '/internal/metrics' } });
  expect(podSpec(find(manifestsOf(chart), 'Deployment', 'checkout')).metadata.annotations).toEqual({
    'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': '/internal/metrics',
  });
});

test('scrape: the prefix of the autodiscovery given, through instrument() with another gateway port', () => {
  const { stack, chart } = setup({ alloy: { otlpGrpcPort: 14317, otlpHttpPort: 14318 } });
  const grafana = new AnnotationAutodiscovery(stack.metricsCollector.config, 'grafana_annotations', { metrics: stack.prometheus, annotationPrefix: 'k8s.grafana.com', label: 'grafana_annotated' });
  const d = new kplus.Deployment(chart, 'checkout', { metadata: { name: 'checkout' }, containers: [{ image: IMAGE }] });
  instrument(d, { gateway: stack.alloy, scrape: { port: 8080, autodiscovery: grafana } });
  const m = find(manifestsOf(chart), 'Deployment', 'checkout');
  expect(podSpec(m).metadata.annotations).toEqual({ 'k8s.grafana.com/scrape': 'true', 'k8s.grafana.com/port': '8080' });
  expect(envOf(m)).toContainEqual({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://alloy.observability.svc:14317' });
});

describe('fails when', () => {
  const deployment = (chart: Chart, env: Record<string, kplus.EnvValue> = {}) =>
    new kplus.Deployment(chart, 'checkout', { metadata: { name: 'checkout' }, containers: [{ name: 'app', image: IMAGE, envVariables: env }] });

  test('fails when a workload is instrumented twice', () => {
    const { stack, chart } = setup();
    const d = deployment(chart);
    stack.instrument(d);
    expect(() => stack.instrument(d, { protocol: 'http/protobuf' })).toThrow(
      'apps/checkout: instrumented twice (got a second instrument call); instrument a workload once, with every option in one call',
    );
  });

  test('fails when a container already sets an OTEL_ variable, and nothing is changed', () => {
    const { stack, chart } = setup();
    const d = deployment(chart, {
      OTEL_EXPORTER_OTLP_ENDPOINT: kplus.EnvValue.fromValue('http://collector:4317'),
      OTEL_TRACES_SAMPLER: kplus.EnvValue.fromValue('always_on'),
    });
    expect(() => stack.instrument(d)).toThrow(
      'apps/checkout: container "app" already sets OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER (got OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4317", OTEL_TRACES_SAMPLER="always_on"); ' +
      'remove them to instrument it, or set the OTLP environment yourself without instrument',
    );
    expect(Object.keys(d.containers[0].env.variables)).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_TRACES_SAMPLER']);
  });

  test('fails when a container sets one of the identity variables from elsewhere', () => {
    const { stack, chart } = setup();
    const d = deployment(chart, { K8S_POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) });
    expect(() => stack.instrument(d)).toThrow('container "app" already sets K8S_POD_NAME (got K8S_POD_NAME="<from a reference>")');
  });

  test.each([
    ['the gateway takes no OTLP', (s: ObservabilityStack) => ({ gateway: s.metricsCollector }), 'the gateway does not receive OTLP (got alloy-metrics, made with otlp: false); pass the stack\'s gateway, stack.alloy'],
    ['the protocol is not OTLP\'s', (s: ObservabilityStack) => ({ gateway: s.alloy, protocol: 'http/json' as never }), 'protocol is not an OTLP exporter protocol (got "http/json"); use "grpc" or "http/protobuf"'],
    ['the service name is empty', (s: ObservabilityStack) => ({ gateway: s.alloy, serviceName: ' ' }), 'serviceName is empty (got " ")'],
    ['the scrape port is out of range', (s: ObservabilityStack) => ({ gateway: s.alloy, scrape: { port: 0 } }), 'scrape.port out of range (got 0); use a whole number from 1 to 65535'],
    ['the scrape path is relative', (s: ObservabilityStack) => ({ gateway: s.alloy, scrape: { port: 9464, path: 'metrics' } }), 'scrape.path must start with "/" (got "metrics"); such as "/metrics"'],
  ])('fails when %s', (_what, options, message) => {
    const { stack, chart } = setup();
    const d = deployment(chart);
    expect(() => instrument(d, options(stack))).toThrow(message);
    // a failed call changes nothing: instrumenting it rightly still works
    stack.instrument(d);
  });

  test('fails when the workload has no namespace', () => {
    const app = testApp();
    const stack = new ObservabilityStack(app, 'observability');
    const d = deployment(new Chart(app, 'apps'));
    expect(() => stack.instrument(d)).toThrow('apps/checkout: the workload has no namespace (got none); set its chart\'s namespace or metadata.namespace');
  });

  test('fails when the workload has no container yet', () => {
    const { stack, chart } = setup();
    const d = new kplus.Deployment(chart, 'checkout', { metadata: { name: 'checkout' } });
    expect(() => stack.instrument(d)).toThrow('apps/checkout: the workload has no container (got 0); add its containers before instrumenting it');
  });

  test('fails when the policies are asked to govern a client outside their namespaces', () => {
    const { stack } = setup();
    expect(() => stack.networkPolicies!.addClient({ name: 'x', namespace: 'shop', selector: {} })).toThrow(
      'observability/network-policies: addClient of a workload in a namespace these policies do not govern (got "shop"); only observability are denied by default',
    );
  });
});
