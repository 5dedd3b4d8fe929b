/**
 * The examples of README.md and docs/usage.md, run as written (imports from ../lib instead of
 * the package name).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KubeDeployment } from '../imports/k8s';
import { Destination, Environments, Expr, ObservabilityStack, OtlpGateway, components } from '../lib';
import { listFiles } from './support/dist';
import { schemaErrors } from './support/k8s-schema';
import { find, manifestsOf, testApp } from './support/manifests';

test('README: the stack tuned, with a pipeline of your own in the gateway', () => {
  const app = testApp();
  const stack = new ObservabilityStack(app, 'observability', {
    namespace: 'telemetry',
    tempo: { retention: '72h' },
    loki: { tenant: 'platform' },
    alloy: { extraPorts: [{ name: 'archive-http', port: 5318, appProtocol: 'http' }] },
  });
  const cfg = stack.alloy.config;
  const archive = new components.LokiWrite(cfg, 'archive', {
    endpoint: [{ url: 'https://logs.example.com/loki/api/v1/push', bearerToken: Expr.env('ARCHIVE_TOKEN') }],
  });
  const toArchive = new components.OtelcolExporterLoki(cfg, 'to_archive', { forwardTo: [archive.receiver] });
  new components.OtelcolReceiverOtlp(cfg, 'archive_in', { http: { endpoint: '0.0.0.0:5318' }, output: { logs: [toArchive.input] } });
  expect(() => app.synth()).not.toThrow();
  const ms = manifestsOf(stack);
  expect(cfg.render()).toContain('bearer_token = sys.env("ARCHIVE_TOKEN")');
  expect(find(ms, 'ConfigMap', 'loki-config').data['loki.yaml']).toContain('auth_enabled: true');
  for (const m of ms) {
    expect(schemaErrors(m)).toEqual([]);
  }
});

test('docs/usage.md: a custom pipeline and a second gateway on the default stack', () => {
  const stack = new ObservabilityStack(testApp(), 'observability', {
    alloy: {
      extraPorts: [
        { name: 'archive-http', port: 5318, appProtocol: 'http' },
        { name: 'edge-grpc', port: 5317, appProtocol: 'grpc' },
        { name: 'edge-http', port: 6318, appProtocol: 'http' },
      ],
      // the vendor's traces take a disk queue of their own: room for it
      storageSize: '15Gi',
    },
  });
  const cfg = stack.alloy.config;
  const archive = new components.LokiWrite(cfg, 'archive', {
    endpoint: [{ url: 'https://logs.example.com/loki/api/v1/push', bearerToken: Expr.env('ARCHIVE_TOKEN') }],
  });
  const toArchive = new components.OtelcolExporterLoki(cfg, 'to_archive', { forwardTo: [archive.receiver] });
  const batch = new components.OtelcolProcessorBatch(cfg, 'archive_batch', { output: { logs: [toArchive.input] } });
  new components.OtelcolReceiverOtlp(cfg, 'archive_in', { http: { endpoint: '0.0.0.0:5318' }, output: { logs: [batch.input] } });
  new OtlpGateway(cfg, 'edge', {
    label: 'edge',
    grpcPort: 5317,
    httpPort: 6318,
    traces: Destination.otlpGrpc({ name: 'vendor', endpoint: 'otlp.example.com:443' }),
    metrics: stack.prometheus,
  });

  const text = cfg.render();
  expect(text).toContain('bearer_token = sys.env("ARCHIVE_TOKEN")');
  expect(text).toContain('otelcol.receiver.otlp "archive_in" {\n\thttp {\n\t\tendpoint = "0.0.0.0:5318"\n\t}');
  expect(text).toContain('otelcol.exporter.otlp "vendor" {');
  // the second gateway shares the stack's one exporter (and disk queue) to Prometheus
  expect(text.match(/^otelcol\.exporter\.otlphttp "prometheus" /gm)).toHaveLength(1);
  const ms = manifestsOf(stack);
  expect(ms.find((m) => m.kind === 'Service' && m.metadata.name === 'alloy')!.spec.ports.map((p: { port: number }) => p.port)).toEqual([4317, 4318, 12345, 5318, 5317, 6318]);
  for (const m of ms) {
    expect(schemaErrors(m)).toEqual([]);
  }
});

test('docs/usage.md: environments built, extended, then synthesized', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-usage-'));
  const envs = new Environments(out, { gitops: { repoURL: 'https://git.example.com/platform/obs.git' } });
  const dev = envs.add('dev', { namespace: 'observability-dev' });
  envs.add('prod');

  const cfg = dev.stack.alloy.config;
  const pods = new components.DiscoveryKubernetes(cfg, 'team_pods', { role: 'pod' });
  new components.PrometheusScrape(cfg, 'team_pods', {
    targets: pods.targets,
    forwardTo: [dev.stack.prometheus.metricsReceiver(cfg)],
    clustering: { enabled: true },
  });
  new ApiObject(dev.stack, 'team-settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'team-settings' } });
  const team = new Chart(dev, 'team', { namespace: dev.stack.namespaceName });
  new ApiObject(team, 'team-notes', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'team-notes' } });

  envs.synth();
  const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf-8');
  expect(read('dev/Kustomization')).toContain('resources:\n  - observability.k8s.yaml\n  - team.k8s.yaml\n');
  expect(read('dev/team.k8s.yaml')).toContain('namespace: observability-dev');
  expect(read('dev/observability.k8s.yaml')).toContain('name: team-settings');
  expect(read('dev/alloy/config.alloy')).toContain('prometheus.scrape "team_pods" {');
  expect(listFiles(path.join(out, 'prod')).join('\n')).not.toContain('team');
  expect(read('prod/alloy/config.alloy')).not.toContain('team_pods');
  expect(listFiles(out).filter((f) => f.startsWith('argocd/'))).toEqual(['argocd/applications.k8s.yaml']);
  fs.rmSync(out, { recursive: true, force: true });
});

test('docs/usage.md: instrument an application', () => {
  const app = testApp();
  const stack = new ObservabilityStack(app, 'observability');
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const checkout = new kplus.Deployment(shop, 'checkout', {
    containers: [{ name: 'app', image: 'ghcr.io/example/checkout:1.4.2', ports: [{ number: 8080 }, { number: 9464, name: 'metrics' }] }],
  });
  stack.instrument(checkout, { scrape: { port: 9464 } });
  const d = manifestsOf(shop).find((m) => m.kind === 'Deployment')!;
  expect(d.spec.template.spec.containers[0].env).toContainEqual({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://alloy.observability.svc:4317' });
  expect(d.spec.template.metadata.annotations['prometheus.io/scrape']).toBe('true');
  for (const m of [...manifestsOf(shop), ...manifestsOf(stack)]) expect(schemaErrors(m)).toEqual([]);
});

test('docs/usage.md: instrument an L1 object of imports/k8s', () => {
  const app = testApp();
  const stack = new ObservabilityStack(app, 'observability');
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const labels = { app: 'cart' };
  const cart = new KubeDeployment(shop, 'cart', {
    metadata: { name: 'cart' },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'ghcr.io/example/cart:2.0.1' }] } },
    },
  });
  stack.instrument(cart, { protocol: 'http/protobuf' });
  const d = find(manifestsOf(shop), 'Deployment', 'cart');
  expect(d.spec.template.spec.containers[0].env).toContainEqual({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://alloy.observability.svc:4318' });
  expect(find(manifestsOf(stack), 'NetworkPolicy', 'alloy').spec.ingress).toContainEqual({
    from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: labels } }],
    ports: [{ protocol: 'TCP', port: 4318 }],
  });
  for (const m of [...manifestsOf(shop), ...manifestsOf(stack)]) expect(schemaErrors(m)).toEqual([]);
});
