/**
 * instrument(): a cdk8s-plus-28 workload, or an L1 object of imports/k8s, sends OTLP to the
 * gateway, with the pod's identity; the stack's NetworkPolicies admit it; its pods can ask to
 * be scraped.
 */
import { ApiObject, Chart, Cron, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  KubeCronJob, KubeDaemonSet, KubeDeployment, KubeJob, KubePod, KubeService, KubeStatefulSet, PodTemplateSpec,
} from '../../imports/k8s';
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

const podSpec = (m: Manifest) => (m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template : m.kind === 'Pod' ? m : m.spec.template);
const envOf = (m: Manifest, i = 0) => podSpec(m).spec.containers[i].env;

const identity = [
  { name: 'K8S_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  { name: 'K8S_POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
  { name: 'K8S_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
];

/** The OTEL_ variables of `container`, exactly. */
const otelOf = (container: string, service: string, port = 4317, protocol = 'grpc') => [
  { name: 'OTEL_SERVICE_NAME', value: service },
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: `http://alloy.observability.svc:${port}` },
  { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: protocol },
  {
    name: 'OTEL_RESOURCE_ATTRIBUTES',
    value: 'k8s.pod.name=$(K8S_POD_NAME),k8s.pod.uid=$(K8S_POD_UID),k8s.namespace.name=$(K8S_NAMESPACE),k8s.node.name=$(K8S_NODE_NAME),' +
      `k8s.container.name=${container},service.instance.id=$(K8S_NAMESPACE).$(K8S_POD_NAME).${container}`,
  },
];

/** L1 objects of imports/k8s: the Deployment, StatefulSet and DaemonSet select fewer labels than their pods carry. */
const SELECTOR = { app: 'ledger' };
const POD_LABELS = { app: 'ledger', tier: 'backend' };
const template = (metadata: PodTemplateSpec['metadata'] = { labels: POD_LABELS }, restartPolicy?: string): PodTemplateSpec => ({
  metadata,
  spec: {
    restartPolicy,
    containers: [{ name: 'app', image: IMAGE, env: [{ name: 'LOG_LEVEL', value: 'info' }] }, { name: 'sidecar', image: IMAGE }],
  },
});
const metadata = { name: 'ledger' };
/** Each kind, made from a pod template, and the labels its pods are admitted by. */
const kinds = [
  ['Deployment', (c: Chart, t = template()) => new KubeDeployment(c, 'w', { metadata, spec: { selector: { matchLabels: SELECTOR }, template: t } }), SELECTOR],
  ['StatefulSet', (c: Chart, t = template()) => new KubeStatefulSet(c, 'w', { metadata, spec: { serviceName: 'ledger', selector: { matchLabels: SELECTOR }, template: t } }), SELECTOR],
  ['DaemonSet', (c: Chart, t = template()) => new KubeDaemonSet(c, 'w', { metadata, spec: { selector: { matchLabels: SELECTOR }, template: t } }), SELECTOR],
  ['Job', (c: Chart, t = template(undefined, 'Never')) => new KubeJob(c, 'w', { metadata, spec: { template: t } }), POD_LABELS],
  ['CronJob', (c: Chart, t = template(undefined, 'Never')) => new KubeCronJob(c, 'w', { metadata, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: t } } } }), POD_LABELS],
  ['Pod', (c: Chart, t = template()) => new KubePod(c, 'w', { metadata: { ...t.metadata, ...metadata }, spec: t.spec }), POD_LABELS],
] as const;

test('each container gets the OTLP environment and the pod\'s identity from the downward API, exactly', () => {
  const { stack, chart } = setup();
  const d = new kplus.Deployment(chart, 'checkout', {
    metadata: { name: 'checkout' },
    containers: [{ name: 'app', image: IMAGE, envVariables: { LOG_LEVEL: kplus.EnvValue.fromValue('info') } }, { name: 'sidecar', image: IMAGE }],
  });
  stack.instrument(d);
  const m = find(manifestsOf(chart), 'Deployment', 'checkout');
  const otel = (container: string) => otelOf(container, 'checkout');
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

test.each([
  ['a cdk8s-plus Deployment', 'Deployment', (c: Chart) => new kplus.Deployment(c, 'w', { metadata: { name: 'ledger' }, containers: [{ image: IMAGE }] }), (m: Manifest) => m.spec.selector.matchLabels],
  ['an L1 Job (its pods selected by their labels)', 'Job', (c: Chart) => kinds[3][1](c), () => POD_LABELS],
] as const)('%s in the stack\'s namespace (denied by default there) gets a policy letting its OTLP out to the gateway', (_what, kind, make, selectorOf) => {
  const { stack, chart } = setup({}, 'observability');
  stack.instrument(make(chart));
  const selector = selectorOf(find(manifestsOf(chart), kind, 'ledger'));
  const ms = manifestsOf(stack);
  expect(find(ms, 'NetworkPolicy', 'ledger-egress')).toMatchObject({
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

describe('L1 objects of imports/k8s', () => {
  test.each(kinds)('a %s: each container gets exactly the OTLP environment after its own, the scrape annotations on its pods, the gateway admits them by their labels', (kind, make, selector) => {
    const { stack, chart } = setup();
    stack.instrument(make(chart), { scrape: { port: 9464, path: '/internal/metrics' } });
    const m = find(manifestsOf(chart), kind, 'ledger');
    expect(envOf(m, 0)).toEqual([{ name: 'LOG_LEVEL', value: 'info' }, ...identity, ...otelOf('app', 'ledger')]);
    expect(envOf(m, 1)).toEqual([...identity, ...otelOf('sidecar', 'ledger')]);
    expect(podSpec(m).metadata).toEqual(expect.objectContaining({
      labels: POD_LABELS,
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': '/internal/metrics' },
    }));
    expect(find(manifestsOf(stack), 'NetworkPolicy', 'alloy').spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: selector } }],
      ports: [{ protocol: 'TCP', port: 4317 }],
    });
    expect(schemaErrors(m)).toEqual([]);
  });

  test.each(kinds)('a %s over OTLP/HTTP, named as given, not scraped: the endpoint on 4318, admitted on 4318', (kind, make, selector) => {
    const { stack, chart } = setup();
    instrument(make(chart), { gateway: stack.alloy, protocol: 'http/protobuf', serviceName: 'ledger-api' });
    const m = find(manifestsOf(chart), kind, 'ledger');
    expect(envOf(m, 0)).toEqual([{ name: 'LOG_LEVEL', value: 'info' }, ...identity, ...otelOf('app', 'ledger-api', 4318, 'http/protobuf')]);
    expect(envOf(m, 1)).toEqual([...identity, ...otelOf('sidecar', 'ledger-api', 4318, 'http/protobuf')]);
    expect(podSpec(m).metadata.annotations).toBeUndefined();
    expect(find(manifestsOf(stack), 'NetworkPolicy', 'alloy').spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: selector } }],
      ports: [{ protocol: 'TCP', port: 4318 }],
    });
    expect(schemaErrors(m)).toEqual([]);
  });

  test.each([kinds[0], kinds[5]])('a %s\'s own annotations stay beside those of the autodiscovery given', (kind, make) => {
    const { stack, chart } = setup();
    const grafana = new AnnotationAutodiscovery(stack.metricsCollector.config, 'grafana_annotations', { metrics: stack.prometheus, annotationPrefix: 'k8s.grafana.com', label: 'grafana_annotated' });
    stack.instrument(make(chart, template({ labels: POD_LABELS, annotations: { team: 'payments' } })), { scrape: { port: 8080, autodiscovery: grafana } });
    expect(podSpec(find(manifestsOf(chart), kind, 'ledger')).metadata.annotations).toEqual({
      'team': 'payments', 'k8s.grafana.com/scrape': 'true', 'k8s.grafana.com/port': '8080',
    });
  });

  test('what the object renders when instrument runs counts: a variable a JSON patch added before stays first; its own namespace serves without the chart\'s', () => {
    const app = testApp();
    const stack = new ObservabilityStack(app, 'observability');
    const chart = new Chart(app, 'apps');
    const d = new KubeDeployment(chart, 'ledger', {
      metadata: { name: 'ledger', namespace: 'payments' },
      spec: { selector: { matchLabels: SELECTOR }, template: { metadata: { labels: SELECTOR }, spec: { containers: [{ name: 'app', image: IMAGE }] } } },
    });
    d.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/env', [{ name: 'REGION', value: 'eu' }]));
    stack.instrument(d);
    const m = find(manifestsOf(chart), 'Deployment', 'ledger');
    expect(envOf(m)).toEqual([{ name: 'REGION', value: 'eu' }, ...identity, ...otelOf('app', 'ledger')]);
    expect(find(manifestsOf(stack), 'NetworkPolicy', 'alloy').spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } }, podSelector: { matchLabels: SELECTOR } }],
      ports: [{ protocol: 'TCP', port: 4317 }],
    });
  });

  describe('fails when', () => {
    test('fails when an L1 object is instrumented twice', () => {
      const { stack, chart } = setup();
      const d = kinds[0][1](chart);
      stack.instrument(d);
      expect(() => stack.instrument(d, { protocol: 'http/protobuf' })).toThrow(
        'apps/w: instrumented twice (got a second instrument call); instrument a workload once, with every option in one call',
      );
    });

    test('fails when a container already sets OTEL_ variables, in its props or by a JSON patch, and nothing is changed', () => {
      const { stack, chart } = setup();
      const d = kinds[4][1](chart, {
        metadata: { labels: POD_LABELS },
        spec: {
          containers: [
            { name: 'app', image: IMAGE },
            { name: 'worker', image: IMAGE, env: [{ name: 'OTEL_SERVICE_NAME', value: 'reports' }, { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] },
          ],
        },
      });
      d.addJsonPatch(JsonPatch.add('/spec/jobTemplate/spec/template/spec/containers/1/env/-', { name: 'OTEL_TRACES_SAMPLER', value: 'always_on' }));
      const before = d.toJson();
      expect(() => stack.instrument(d)).toThrow(
        'apps/w: container "worker" already sets OTEL_SERVICE_NAME, K8S_NODE_NAME, OTEL_TRACES_SAMPLER ' +
        '(got OTEL_SERVICE_NAME="reports", K8S_NODE_NAME="<from a reference>", OTEL_TRACES_SAMPLER="always_on"); ' +
        'remove them to instrument it, or set the OTLP environment yourself without instrument',
      );
      expect(d.toJson()).toEqual(before);
    });

    test('fails when the L1 object has no namespace', () => {
      const app = testApp();
      const stack = new ObservabilityStack(app, 'observability');
      const d = kinds[0][1](new Chart(app, 'apps'));
      expect(() => stack.instrument(d)).toThrow('apps/w: the workload has no namespace (got none); set its chart\'s namespace or metadata.namespace');
    });

    test('fails when the L1 object has no container', () => {
      const { stack, chart } = setup();
      const d = kinds[0][1](chart, { metadata: { labels: SELECTOR }, spec: { containers: [] } });
      expect(() => stack.instrument(d)).toThrow('apps/w: the workload has no container (got 0); add its containers before instrumenting it');
    });

    test.each([
      ['a Job\'s pod template has no labels', (c: Chart) => kinds[3][1](c, template({})), 'the Job\'s pods have no labels to select them by (got no spec.template.metadata.labels); set spec.template.metadata.labels'],
      ['a CronJob\'s pod template has no labels', (c: Chart) => kinds[4][1](c, template({ annotations: { team: 'payments' } }, 'Never')), 'the CronJob\'s pods have no labels to select them by (got no spec.jobTemplate.spec.template.metadata.labels); set spec.jobTemplate.spec.template.metadata.labels'],
      ['a Pod has no labels', (c: Chart) => kinds[5][1](c, template({})), 'the Pod\'s pods have no labels to select them by (got no metadata.labels); set metadata.labels'],
      ['a Deployment selects by expressions only', (c: Chart) => new KubeDeployment(c, 'w', { metadata, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, template: template() } }),
        'the Deployment\'s pods have no labels to select them by (got no spec.selector.matchLabels); set spec.selector.matchLabels: the gateway\'s NetworkPolicy admits its pods by them'],
    ])('fails when %s', (_what, make, message) => {
      const { stack, chart } = setup();
      expect(() => stack.instrument(make(chart))).toThrow(`apps/w: ${message}`);
    });

    test('fails when the L1 object is no workload, or not of the workload API it names', () => {
      const { stack, chart } = setup();
      // a KubeService has the shape of every generated class: TypeScript lets it through
      expect(() => stack.instrument(new KubeService(chart, 'svc', { spec: { ports: [{ port: 80 }] } }))).toThrow(
        'apps/svc: not a workload instrument knows (got v1 Service); pass a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod, of imports/k8s or cdk8s-plus-28',
      );
      expect(() => stack.instrument(new ApiObject(chart, 'old', { apiVersion: 'extensions/v1beta1', kind: 'Deployment' }))).toThrow(
        'apps/old: not a workload instrument knows (got extensions/v1beta1 Deployment)',
      );
    });
  });
});
