/**
 * The examples/ run: each synthesizes, and what it promises is in its output.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { build as addAnEnvironment } from '../examples/add-an-environment';
import { build as customPipeline } from '../examples/custom-pipeline';
import { build as joinTheGateway } from '../examples/join-the-gateway';
import { build as defaultStack } from '../examples/default-stack';
import { build as externalDestinations } from '../examples/external-destinations';
import { build as grafanaCloud } from '../examples/grafana-cloud';
import { listFiles } from './support/dist';
import { build as instrumentAnApp } from '../examples/instrument-an-app';
import { schemaErrors } from './support/k8s-schema';
import { restrictedViolations } from './support/pod-security';

function synth(build: (outdir: string) => { synth(): void }): any[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-example-'));
  build(out).synth();
  const manifests = fs.readdirSync(out).flatMap((f) => loadAll(fs.readFileSync(path.join(out, f), 'utf-8')) as any[]);
  fs.rmSync(out, { recursive: true, force: true });
  for (const m of manifests) expect(schemaErrors(m)).toEqual([]);
  return manifests;
}

const config = (ms: any[]) => ms.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'alloy-config').data['config.alloy'] as string;

test('examples/default-stack.ts synthesizes the stack with a Loki tenant', () => {
  expect(config(synth(defaultStack))).toContain('"X-Scope-OrgID" = "platform"');
});

test('examples/external-destinations.ts sends with credentials from Secrets, never literals', () => {
  const ms = synth(externalDestinations);
  expect(config(ms)).toContain('token = sys.env("SECRET_VENDOR_OTLP_TOKEN")');
  expect(config(ms)).toContain('password = sys.env("SECRET_MIMIR_PASSWORD")');
  const env = ms.find((m) => m.kind === 'StatefulSet').spec.template.spec.containers[0].env;
  expect(env).toContainEqual({ name: 'SECRET_MIMIR_PASSWORD', valueFrom: { secretKeyRef: { name: 'mimir', key: 'password' } } });
});

test('examples/custom-pipeline.ts scrapes annotated pods, with the RBAC it needs', () => {
  const ms = synth(customPipeline);
  expect(config(ms)).toContain('prometheus.scrape "annotated_pods" {');
  // the gateway's ClusterRole: its own pod discovery merged with what the enrichment reads
  const role = ms.find((m) => m.kind === 'ClusterRole' && m.metadata.name === 'observability-alloy');
  expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: ['get', 'list', 'watch'] });
});

test('examples/add-an-environment.ts adds staging, with its pipeline in its folder only and an Application for it', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-example-'));
  addAnEnvironment(out).synth();
  const files = listFiles(out);
  const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf-8');
  for (const f of files.filter((f) => f.endsWith('.k8s.yaml'))) {
    for (const m of loadAll(read(f)) as any[]) {
      if (m.kind !== 'Application') expect(schemaErrors(m)).toEqual([]);
    }
  }
  // staging has the layout dev and prod have
  const layout = (env: string) => files.filter((f) => f.startsWith(`${env}/`)).map((f) => f.slice(env.length + 1));
  expect(layout('staging')).toEqual(layout('dev'));
  expect(layout('staging')).toContain('smoke-test/smoke-test.k8s.yaml');
  expect(read('staging/Kustomization')).toContain('  - observability.k8s.yaml\n');
  expect(read('staging/alloy-metrics/config.alloy')).toContain('prometheus.scrape "team_pods" {');
  for (const env of ['dev', 'prod']) expect(read(`${env}/alloy-metrics/config.alloy`)).not.toContain('team_pods');
  const apps = loadAll(read('argocd/applications.k8s.yaml')) as any[];
  expect(apps.map((a) => [a.metadata.name, a.spec.source.path, a.spec.destination.namespace])).toEqual([
    ['observability-dev', 'dist/dev', 'observability-dev'],
    ['observability-prod', 'dist/prod', 'observability'],
    ['observability-large', 'dist/large', 'observability-large'],
    ['observability-staging', 'dist/staging', 'observability-staging'],
  ]);
  fs.rmSync(out, { recursive: true, force: true });
});

test('examples/instrument-an-app.ts points the app at the gateway, admitted by the gateway\'s NetworkPolicy', () => {
  const ms = synth(instrumentAnApp);
  const deployment = ms.find((m) => m.kind === 'Deployment' && m.metadata.name === 'checkout');
  const env = deployment.spec.template.spec.containers[0].env;
  expect(env).toContainEqual({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://alloy.observability.svc:4317' });
  expect(env).toContainEqual({ name: 'OTEL_SERVICE_NAME', value: 'checkout' });
  expect(deployment.spec.template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464' });
  const policy = ms.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'alloy');
  expect(policy.spec.ingress).toContainEqual({
    from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: deployment.spec.selector.matchLabels } }],
    ports: [{ protocol: 'TCP', port: 4317 }],
  });
});

test('examples/join-the-gateway.ts feeds a Zipkin receiver into the gateway\'s memory limiter, on a port the Service exposes and the NetworkPolicy admits', () => {
  const ms = synth(joinTheGateway);
  const config = ms.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'alloy-config').data['config.alloy'] as string;
  expect(config).toContain('otelcol.receiver.zipkin "zipkin" {\n\tendpoint = "0.0.0.0:9411"\n\n\toutput {\n\t\ttraces = [otelcol.processor.memory_limiter.default.input]\n\t}\n}');
  expect(ms.find((m) => m.kind === 'Service' && m.metadata.name === 'alloy').spec.ports.map((p: any) => p.port)).toContain(9411);
  const ingress = ms.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'alloy').spec.ingress[0];
  expect(ingress.ports.map((p: any) => p.port)).toEqual([4317, 4318, 9411]);
  for (const m of ms) expect(schemaErrors(m)).toEqual([]);
});

test('examples/grafana-cloud.ts sends every signal to the hosted stack: no backend pod, the token from its Secret, the alerts for its ruler', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-example-'));
  grafanaCloud(out).synth();
  const read = (f: string) => fs.readFileSync(path.join(out, 'prod', f), 'utf-8');
  const ms = loadAll(read('observability.k8s.yaml')) as any[];
  for (const m of ms) expect(schemaErrors(m)).toEqual([]);
  for (const m of ms.filter((x) => x.spec?.template?.spec)) expect(restrictedViolations(m.spec.template.spec)).toEqual([]);
  expect([...new Set(ms.filter((m) => m.spec?.template).map((m) => m.metadata.name))].sort()).toEqual(['alloy', 'alloy-logs', 'alloy-metrics', 'grafana']);
  // the instance ID is the username, the token the password: no tenant header anywhere
  const gateway = read('alloy/config.alloy');
  expect(gateway).toContain('otelcol.auth.basic "cloud_traces" {\n\tpassword = sys.env("SECRET_GRAFANA_CLOUD_TOKEN")\n\tusername = "345678"\n}');
  expect(read('alloy-metrics/config.alloy')).toContain('\t\tbasic_auth {\n\t\t\tpassword = sys.env("SECRET_GRAFANA_CLOUD_TOKEN")\n\t\t\tusername = "123456"\n\t\t}');
  expect(ms.map((m) => JSON.stringify(m)).join('\n')).not.toContain('X-Scope-OrgID');
  for (const name of ['alloy', 'alloy-metrics', 'alloy-logs', 'grafana']) {
    const env = ms.find((m) => m.spec?.template && m.metadata.name === name).spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'SECRET_GRAFANA_CLOUD_TOKEN', valueFrom: { secretKeyRef: { name: 'grafana-cloud', key: 'token' } } });
  }
  // the rules for the hosted ruler: the instance ID is mimirtool's tenant
  const rules = read('rules/observability.yaml');
  expect(rules).toContain('MIMIR_ADDRESS=https://prometheus-prod-01-eu-west-0.grafana.net MIMIR_TENANT_ID=123456 MIMIR_API_USER=123456');
  expect(rules).toContain('\nnamespace: observability\ngroups:\n  - name: telemetry-health\n');
  expect(read('external-backends.md')).toContain('## Traces: cloud_traces');
  fs.rmSync(out, { recursive: true, force: true });
});
