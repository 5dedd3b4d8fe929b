/**
 * Bring your own backend, per signal (`external: { metrics, logs, traces }`): the stack runs no
 * pod for that signal, its collectors and Grafana reach only that backend's port, its tenant
 * and credentials come from Secrets, and its alerts still have somewhere to run (the backend's
 * ruler, or a small Prometheus of the stack's own), checked by promtool.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dump, load } from 'js-yaml';
import { Testing } from 'cdk8s';
import { EnvironmentApp, Grafana, ObservabilityStack, ObservabilityStackProps, Tempo } from '../../lib';
import { durationText } from '../../lib/validation';
import { ExternalLogsBackend, ExternalMetrics, ExternalMetricsBackend, ExternalTracesBackend } from '../../lib/workloads/external-backends';
import { backendSchema, configProblems } from '../support/backend-schema';
import { expectGolden } from '../support/golden';
import { schemaErrors } from '../support/k8s-schema';
import { Manifest, find, manifestsOf, testApp } from '../support/manifests';
import { restrictedViolations } from '../support/pod-security';
import { haveTool } from '../support/tools';

const promtool = haveTool('promtool');

const MIMIR_PASSWORD = { name: 'mimir', key: 'password' };
const metricsRuler: ExternalMetrics = {
  remoteWriteUrl: 'https://mimir.example.com/api/v1/push',
  otlpUrl: 'https://mimir.example.com/otlp',
  queryUrl: 'https://mimir.example.com/prometheus',
  tenant: 'platform',
  credentials: { basicAuth: { username: 'observability', password: MIMIR_PASSWORD } },
  alerts: { ruler: { url: 'https://mimir.example.com' } },
};
const metricsLocal: ExternalMetrics = { ...metricsRuler, alerts: { localPrometheus: {} } };
const logs = { url: 'https://loki.example.com', tenant: 'platform', credentials: { bearerToken: { name: 'loki', key: 'token' } } };
const traces = { otlpGrpcEndpoint: 'tempo.example.com:443', queryUrl: 'https://tempo.example.com', tenant: 'platform', credentials: { basicAuth: { username: 'observability', password: { name: 'tempo', key: 'password' } } } };

function synth(props: ObservabilityStackProps): { stack: ObservabilityStack; ms: Manifest[] } {
  const app = testApp();
  const stack = new ObservabilityStack(app, 'observability', props);
  app.synth();
  return { stack, ms: manifestsOf(stack) };
}

const names = (ms: Manifest[]) => ms.map((m) => `${m.kind}/${m.metadata.name}`);
const objectsOf = (ms: Manifest[], workload: string) => names(ms).filter((n) => n.split('/')[1] === workload || n.split('/')[1].startsWith(`${workload}-`));
const config = (ms: Manifest[], collector = 'alloy') => find(ms, 'ConfigMap', `${collector}-config`).data['config.alloy'] as string;
const datasources = (ms: Manifest[]) => (load(find(ms, 'ConfigMap', 'grafana-config').data['datasources.yaml']) as { datasources: any[] }).datasources;
const egress = (ms: Manifest[], name: string) => find(ms, 'NetworkPolicy', name).spec.egress as any[];
const ANYWHERE = [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }];
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }));

/** Every object meets the strict 1.28 schema and every pod the restricted profile. */
function expectValid(ms: Manifest[]): void {
  for (const m of ms) expect({ object: `${m.kind}/${m.metadata.name}`, errors: schemaErrors(m) }).toEqual({ object: `${m.kind}/${m.metadata.name}`, errors: [] });
  for (const m of ms.filter((x) => x.spec?.template?.spec)) {
    expect({ object: `${m.kind}/${m.metadata.name}`, violations: restrictedViolations(m.spec.template.spec) }).toEqual({ object: `${m.kind}/${m.metadata.name}`, violations: [] });
  }
}

/** No credential value anywhere: configs name variables and files, env takes secretKeyRefs. */
function expectNoSecretLiteral(texts: string[], ms: Manifest[]): void {
  for (const text of texts) {
    expect(text).not.toMatch(/^\s*(password|bearer_token|token|client_secret|api_key|key_pem)\s*=\s*"/m);
    expect(text).not.toMatch(/^\s*(password|credentials|basicAuthPassword|bearer_token):\s*(?!\$\{SECRET_)\S/m);
  }
  for (const m of ms) {
    for (const c of m.spec?.template?.spec?.containers ?? []) {
      for (const e of c.env ?? []) {
        if (/PASSWORD|TOKEN|SECRET|KEY/i.test(e.name)) expect({ env: e.name, ref: e.valueFrom?.secretKeyRef !== undefined }).toEqual({ env: e.name, ref: true });
      }
    }
  }
}

function allText(ms: Manifest[]): string[] {
  return ms.flatMap((m) => (m.kind === 'ConfigMap' ? Object.values(m.data as Record<string, string>) : []));
}

describe('each signal to an external backend, alone and all three', () => {
  const bundled = synth({});
  const backendObjects = (ms: Manifest[]) => ['prometheus', 'alertmanager', 'loki', 'tempo'].flatMap((w) => objectsOf(ms, w));

  test('metrics with a ruler: no Prometheus and no Alertmanager, every other object as bundled', () => {
    const { ms } = synth({ external: { metrics: metricsRuler } });
    expect(backendObjects(ms).sort()).toEqual(backendObjects(bundled.ms).filter((n) => !/\/(prometheus|alertmanager)/.test(n)).sort());
    expect(names(ms).filter((n) => !backendObjects(bundled.ms).includes(n)).sort()).toEqual(names(bundled.ms).filter((n) => !backendObjects(bundled.ms).includes(n)).sort());
    expectValid(ms);
    expectNoSecretLiteral(allText(ms), ms);
  });

  test('metrics with a local Prometheus: a small one that takes no pushes, and the Alertmanager', () => {
    const { ms, stack } = synth({ external: { metrics: metricsLocal } });
    expect(backendObjects(ms).sort()).toEqual(backendObjects(bundled.ms).sort());
    const args: string[] = find(ms, 'Deployment', 'prometheus').spec.template.spec.containers[0].args;
    expect(args).toEqual([
      '--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=2d',
      '--storage.tsdb.retention.size=1638MB', '--enable-feature=exemplar-storage', '--web.listen-address=0.0.0.0:9090',
    ]);
    expect(find(ms, 'PersistentVolumeClaim', 'prometheus-data').spec.resources.requests.storage).toBe('2Gi');
    // nothing sends to it: no collector reaches it, and it is no destination
    expect(find(ms, 'NetworkPolicy', 'prometheus').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'grafana' } } }], ports: tcp(9090) },
    ]);
    expect(() => stack.prometheus.metricsReceiver(stack.alloy.config)).toThrow(
      'observability/prometheus: this Prometheus takes no pushes (receivers: false), so it cannot be a destination; send metrics to where the stack\'s metrics go (stack.metrics), or turn its receivers on',
    );
    expect(stack.metrics).toBe(stack.externalMetrics);
    expectValid(ms);
  });

  test('logs: no Loki; traces: no Tempo (and no metrics generator)', () => {
    const l = synth({ external: { logs } });
    expect(backendObjects(l.ms).sort()).toEqual(backendObjects(bundled.ms).filter((n) => !/\/loki/.test(n)).sort());
    expectValid(l.ms);
    const t = synth({ external: { traces } });
    expect(backendObjects(t.ms).sort()).toEqual(backendObjects(bundled.ms).filter((n) => !/\/tempo/.test(n)).sort());
    expectValid(t.ms);
  });

  test('all three: only the collectors and Grafana run', () => {
    const { ms } = synth({ external: { metrics: metricsRuler, logs, traces } });
    expect(backendObjects(ms)).toEqual([]);
    expect([...new Set(ms.filter((m) => m.spec?.template).map((m) => m.metadata.name))].sort()).toEqual(['alloy', 'alloy-logs', 'alloy-metrics', 'grafana']);
    expectValid(ms);
    expectNoSecretLiteral([...allText(ms)], ms);
  });

  test('the stack\'s accessors name what is there, and say why a backend is not', () => {
    const { stack } = synth({ external: { metrics: metricsRuler, logs, traces } });
    expect(() => stack.tempo).toThrow('observability: this stack runs no Tempo: traces go to external.traces (stack.traces, stack.externalTraces)');
    expect(() => stack.loki).toThrow('observability: this stack runs no Loki: logs go to external.logs (stack.logs, stack.externalLogs)');
    expect(() => stack.prometheus).toThrow('observability: this stack runs no Prometheus: metrics go to external.metrics and its ruler runs the alerts');
    expect(() => stack.alertmanager).toThrow('observability: this stack runs no Alertmanager: the alerts run in the ruler of external.metrics');
    expect([stack.metrics, stack.logs, stack.traces]).toEqual([stack.externalMetrics, stack.externalLogs, stack.externalTraces]);
  });
});

describe('the collectors send there, with the tenant header and credentials from Secrets', () => {
  const { ms } = synth({ external: { metrics: metricsRuler, logs, traces } });

  test('the gateway\'s config.alloy matches the golden file', () => {
    expectGolden(path.join(__dirname, 'golden', 'external-backends-gateway.alloy'), config(ms));
  });

  test('remote write: the tenant header, the password from its Secret', () => {
    expect(config(ms, 'alloy-metrics')).toContain([
      'prometheus.remote_write "metrics" {',
      '\tendpoint {',
      '\t\theaders = {',
      '\t\t\t"X-Scope-OrgID" = "platform",',
      '\t\t}',
      '\t\turl = "https://mimir.example.com/api/v1/push"',
      '',
      '\t\tbasic_auth {',
      '\t\t\tpassword = sys.env("SECRET_MIMIR_PASSWORD")',
      '\t\t\tusername = "observability"',
      '\t\t}',
      '\t}',
      '',
    ].join('\n'));
    const env = find(ms, 'StatefulSet', 'alloy-metrics').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'SECRET_MIMIR_PASSWORD', valueFrom: { secretKeyRef: { name: 'mimir', key: 'password' } } });
  });

  test('logs from the pod tailers take the external Loki\'s OTLP endpoint, through their disk queue', () => {
    const logsConfig = config(ms, 'alloy-logs');
    expect(logsConfig).toContain('otelcol.exporter.otlphttp "logs_sources" {\n\tclient {\n\t\tauth     = otelcol.auth.bearer.logs_sources.handler\n\t\tendpoint = "https://loki.example.com/otlp"\n\t\theaders  = {\n\t\t\t"X-Scope-OrgID" = "platform",\n\t\t}\n\t}');
    expect(logsConfig).toContain('otelcol.auth.bearer "logs_sources" {\n\ttoken = sys.env("SECRET_LOKI_TOKEN")\n}');
  });

  test('with no OTLP URL, OTLP metrics are converted for remote write', () => {
    const { otlpUrl: _, ...noOtlp } = metricsRuler;
    const c = config(synth({ external: { metrics: noOtlp } }).ms);
    expect(c).toContain('otelcol.exporter.prometheus "default" {\n\tforward_to = [prometheus.remote_write.metrics.receiver]\n}');
    expect(c).not.toContain('otelcol.exporter.otlphttp "metrics"');
  });

  test('traces over OTLP HTTP, with a bearer token', () => {
    const c = config(synth({ external: { traces: { otlpHttpUrl: 'https://tempo.example.com:4318', queryUrl: 'https://tempo.example.com', credentials: { bearerToken: { name: 'tempo', key: 'token' } } } } }).ms);
    expect(c).toContain('otelcol.exporter.otlphttp "traces" {\n\tclient {\n\t\tauth     = otelcol.auth.bearer.traces.handler\n\t\tendpoint = "https://tempo.example.com:4318"\n\t}');
  });
});

describe('Grafana queries the external backends', () => {
  const { ms } = synth({ external: { metrics: metricsRuler, logs, traces } });

  test('data sources: the query URLs, the tenant header, credentials from the environment', () => {
    const ds = datasources(ms);
    const pick = (d: any) => ({ name: d.name, uid: d.uid, url: d.url, basicAuth: d.basicAuth, basicAuthUser: d.basicAuthUser, headers: Object.fromEntries(Object.entries(d.jsonData).filter(([k]) => k.startsWith('httpHeaderName'))), secure: d.secureJsonData });
    expect(ds.map(pick)).toEqual([
      {
        name: 'metrics', uid: 'prometheus', url: 'https://mimir.example.com/prometheus', basicAuth: true, basicAuthUser: 'observability',
        headers: { httpHeaderName1: 'X-Scope-OrgID' }, secure: { httpHeaderValue1: 'platform', basicAuthPassword: '${SECRET_MIMIR_PASSWORD}' },
      },
      {
        name: 'traces', uid: 'tempo', url: 'https://tempo.example.com', basicAuth: true, basicAuthUser: 'observability',
        headers: { httpHeaderName1: 'X-Scope-OrgID' }, secure: { httpHeaderValue1: 'platform', basicAuthPassword: '${SECRET_TEMPO_PASSWORD}' },
      },
      {
        name: 'logs', uid: 'loki', url: 'https://loki.example.com', basicAuth: undefined, basicAuthUser: undefined,
        headers: { httpHeaderName1: 'X-Scope-OrgID', httpHeaderName2: 'Authorization' }, secure: { httpHeaderValue1: 'platform', httpHeaderValue2: 'Bearer ${SECRET_LOKI_TOKEN}' },
      },
    ]);
    // exemplars, trace-to-logs and trace-to-metrics keep linking the three
    expect(ds[0].jsonData.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'tempo' }]);
    expect(ds[1].jsonData.tracesToMetrics.datasourceUid).toBe('prometheus');
    const env = find(ms, 'Deployment', 'grafana').spec.template.spec.containers[0].env;
    expect(env.filter((e: any) => e.name.startsWith('SECRET_'))).toEqual([
      { name: 'SECRET_LOKI_TOKEN', valueFrom: { secretKeyRef: { name: 'loki', key: 'token' } } },
      { name: 'SECRET_MIMIR_PASSWORD', valueFrom: { secretKeyRef: { name: 'mimir', key: 'password' } } },
      { name: 'SECRET_TEMPO_PASSWORD', valueFrom: { secretKeyRef: { name: 'tempo', key: 'password' } } },
    ]);
  });

  test('the dashboards query the ruler\'s backend, which knows what the stack sends it', () => {
    const dashboards = find(ms, 'ConfigMap', 'grafana-dashboards').data as Record<string, string>;
    const uids = new Set(Object.entries(dashboards).filter(([f]) => f.endsWith('.json'))
      .flatMap(([, json]) => JSON.parse(json).panels.flatMap((p: any) => (p.datasource ? [p.datasource.uid] : []))));
    expect([...uids]).toEqual(['prometheus']);
    // no panel about a backend that is not there
    expect(dashboards['backends-ingestion.json']).not.toMatch(/tempo_|loki_|prometheus_tsdb/);
  });

  test('with a local Prometheus, the dashboards query it (a second data source) and the rest the external one', () => {
    const local = synth({ external: { metrics: metricsLocal } }).ms;
    const ds = datasources(local);
    expect(ds.map((d) => [d.name, d.uid, d.url, d.isDefault])).toEqual([
      ['metrics', 'prometheus', 'https://mimir.example.com/prometheus', true],
      ['Tempo', 'tempo', 'http://tempo:3200', false],
      ['Loki', 'loki', 'http://loki:3100', false],
      ['Prometheus (stack)', 'prometheus-stack', 'http://prometheus:9090', false],
    ]);
    const json = find(local, 'ConfigMap', 'grafana-dashboards').data['alloy-health.json'];
    expect([...new Set(JSON.parse(json).panels.flatMap((p: any) => (p.datasource ? [p.datasource.uid] : [])))]).toEqual(['prometheus-stack']);
  });
});

describe('NetworkPolicies open only the external endpoints\' ports', () => {
  test('collectors and Grafana reach the external port anywhere, and no bundled backend', () => {
    const { ms } = synth({ external: { metrics: metricsRuler, logs, traces } });
    const external = { to: ANYWHERE, ports: tcp(443) };
    const pods = (name: string) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': name } } });
    expect(egress(ms, 'alloy')).toEqual([
      { to: [pods('alloy')], ports: tcp(12345) },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(443, 6443) },
      external,
    ]);
    expect(egress(ms, 'alloy-logs')).toEqual([
      { to: [pods('alloy-logs')], ports: tcp(12345) },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(443, 6443) },
      external,
    ]);
    // alloy-metrics also scrapes the stack's own targets, for the ruler's alerts
    expect(egress(ms, 'alloy-metrics')).toEqual([
      { to: [pods('alloy')], ports: tcp(12345) },
      { to: [pods('alloy-logs')], ports: tcp(12345) },
      { to: [pods('grafana')], ports: tcp(3000) },
      { to: [{ namespaceSelector: {} }] },
      { to: [pods('alloy-metrics')], ports: tcp(12345) },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(443, 6443) },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(10250) },
      external,
    ]);
    expect(egress(ms, 'grafana')).toEqual([external]);
  });

  test('an endpoint on its own port (a Mimir in another namespace) opens that port, for the collectors and Grafana', () => {
    const { ms } = synth({
      external: {
        metrics: {
          remoteWriteUrl: 'http://mimir-gateway.mimir.svc:8080/api/v1/push', queryUrl: 'http://mimir-gateway.mimir.svc:8080/prometheus',
          alerts: { ruler: { url: 'http://mimir-gateway.mimir.svc:8080' } },
        },
      },
    });
    expect(egress(ms, 'alloy-metrics')).toContainEqual({ to: ANYWHERE, ports: tcp(8080) });
    expect(egress(ms, 'alloy').map((r) => r.ports?.map((p: any) => p.port))).toEqual([[3100], [4317], [12345], [443, 6443], [8080]]);
    expect(egress(ms, 'grafana')).toEqual([
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'tempo' } } }], ports: tcp(3200) },
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'loki' } } }], ports: tcp(3100) },
      { to: ANYWHERE, ports: tcp(8080) },
    ]);
    // Tempo's metrics generator writes there too
    expect(egress(ms, 'tempo')).toEqual([{ to: ANYWHERE, ports: tcp(8080) }]);
  });
});

describe('Tempo\'s metrics generator writes to wherever metrics go', () => {
  const { ms } = synth({ external: { metrics: metricsLocal } });

  test('the external remote write, with its tenant header and the password as a file of its Secret', () => {
    const tempo = load(find(ms, 'ConfigMap', 'tempo-config').data['tempo.yaml']) as any;
    expect(tempo.metrics_generator.storage.remote_write).toEqual([{
      url: 'https://mimir.example.com/api/v1/push',
      send_exemplars: true,
      headers: { 'X-Scope-OrgID': 'platform' },
      basic_auth: { username: 'observability', password_file: '/etc/tempo-secrets/mimir/password' },
    }]);
    expect(configProblems(tempo, backendSchema('tempo-2.10.8'))).toEqual([]);
    const pod = find(ms, 'Deployment', 'tempo').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'secret-0', secret: { secretName: 'mimir', defaultMode: 0o440 } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'secret-0', mountPath: '/etc/tempo-secrets/mimir', readOnly: true });
  });

  test('with external traces there is no generator to write', () => {
    const { ms: t } = synth({ external: { metrics: metricsLocal, traces } });
    expect(t.some((m) => JSON.stringify(m).includes('metrics_generator'))).toBe(false);
  });
});

describe('the stack\'s alerts still run somewhere', () => {
  test('fails when external metrics are given no way to receive the stack\'s alerts', () => {
    const { alerts: _, ...noAlerts } = metricsRuler;
    const message = 'observability/external-metrics: external.metrics.alerts is missing (got undefined); the stack\'s own alerts need somewhere to run: ' +
      'alerts: { ruler: { url } } renders them for the backend\'s ruler (mimirtool rules sync), ' +
      'alerts: { localPrometheus: {} } keeps a small Prometheus that scrapes only the stack and sends to its Alertmanager';
    // a JavaScript caller, or a cast: TypeScript requires alerts
    expect(() => new ObservabilityStack(testApp(), 'observability', { external: { metrics: noAlerts as ExternalMetrics } })).toThrow(message);
    expect(() => new ObservabilityStack(testApp(), 'observability', { external: { metrics: { ...noAlerts, alerts: {} } as unknown as ExternalMetrics } }))
      .toThrow('observability/external-metrics: external.metrics.alerts takes exactly one of ruler and localPrometheus (got []);');
    expect(() => new ObservabilityStack(testApp(), 'observability', {
      external: { metrics: { ...noAlerts, alerts: { ruler: { url: 'https://mimir.example.com' }, localPrometheus: {} } as unknown as ExternalMetrics['alerts'] } },
    })).toThrow('external.metrics.alerts takes exactly one of ruler and localPrometheus (got ["ruler","localPrometheus"])');
  });

  test('alerts is required by the type', () => {
    const { alerts: _, ...noAlerts } = metricsRuler;
    // @ts-expect-error external metrics without alerts do not compile
    const bad: ExternalMetrics = noAlerts;
    expect(bad.alerts).toBeUndefined();
  });

  test('fails when a prop tunes a workload that is not there', () => {
    const make = (props: ObservabilityStackProps) => () => new ObservabilityStack(testApp(), 'observability', props);
    expect(make({ external: { traces }, tempo: { retention: '72h' } })).toThrow('observability: tempo is set, but traces go to external.traces (so there is no such workload to tune); remove tempo');
    expect(make({ external: { logs }, loki: { tenant: 'a' } })).toThrow('observability: loki is set, but logs go to external.logs');
    expect(make({ external: { metrics: metricsLocal }, prometheus: { retention: '3d' } }))
      .toThrow('observability: prometheus is set, but metrics go to external.metrics (so there is no such workload to tune); remove prometheus, or tune the stack\'s own Prometheus with external.metrics.alerts.localPrometheus');
    expect(make({ external: { metrics: metricsRuler }, alertmanager: { receivers: [{ name: 'default' }] } }))
      .toThrow('observability: alertmanager is set, but the stack\'s alerts go to the ruler of external.metrics (alerts: { ruler }), whose Alertmanager routes them');
  });

  test('fails on a URL that carries credentials, a bad tenant, a ruler URL with mimirtool\'s prefix, or no traces endpoint', () => {
    const make = (external: ObservabilityStackProps['external']) => () => new ObservabilityStack(testApp(), 'observability', { external });
    expect(make({ metrics: { ...metricsRuler, remoteWriteUrl: 'https://user:pw@mimir.example.com/api/v1/push' } }))
      .toThrow('observability/external-metrics: remoteWriteUrl: the URL carries credentials');
    expect(make({ logs: { url: 'loki.example.com' } })).toThrow('observability/external-logs: url must be an http(s) URL (got "loki.example.com"); use one such as "https://loki.example.com"');
    expect(make({ logs: { ...logs, tenant: 'a b' } })).toThrow('observability/external-logs: invalid tenant (got "a b")');
    expect(make({ metrics: { ...metricsRuler, alerts: { ruler: { url: 'https://mimir.example.com/prometheus' } } } }))
      .toThrow('drop the /prometheus, such as "https://mimir.example.com"');
    expect(make({ traces: { queryUrl: 'https://tempo.example.com' } })).toThrow('observability/external-traces: give exactly one of otlpGrpcEndpoint and otlpHttpUrl (got neither)');
  });

  describe('with the backend\'s ruler', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-ext-'));
    const env = new EnvironmentApp(out, { name: 'prod', props: { external: { metrics: metricsRuler, logs, traces } } });
    env.synth();
    const rulesText = fs.readFileSync(path.join(out, 'prod', 'rules', 'observability.yaml'), 'utf-8');
    const rules = load(rulesText) as { namespace: string; groups: Array<{ name: string; rules: Array<{ alert: string; expr: string }> }> };
    afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

    test('the rules file is written next to the manifests, in mimirtool\'s format, and the notes with it; no smoke test', () => {
      expect(fs.readdirSync(path.join(out, 'prod')).sort()).toEqual(['Kustomization', 'alloy', 'alloy-logs', 'alloy-metrics', 'external-backends.md', 'observability.k8s.yaml', 'rules']);
      expect(fs.readFileSync(path.join(out, 'prod', 'Kustomization'), 'utf-8')).toBe(
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - observability.k8s.yaml\n',
      );
      expect(rules.namespace).toBe('observability');
      expect(rulesText).toContain(
        '#   MIMIR_ADDRESS=https://mimir.example.com MIMIR_TENANT_ID=platform MIMIR_API_USER=observability ' +
        'MIMIR_API_KEY="$(kubectl -n observability get secret mimir -o jsonpath=\'{.data.password}\' | base64 -d)" \\\n' +
        '#     mimirtool rules sync --namespaces=observability rules/observability.yaml\n',
      );
      const notes = fs.readFileSync(path.join(out, 'prod', 'external-backends.md'), 'utf-8');
      expect(notes).toContain('- accepts data up to **2h12m** late: Mimir\'s `out_of_order_time_window`');
      expect(notes).toContain('- accepts data up to **1h56m** late: Loki\'s `ingester.max_chunk_age` at least twice that (3h52m;');
    });

    test('the alerts are the stack\'s, for what it sends there: none about a backend that is not there, and one for metrics that stop arriving', () => {
      expect(rules.groups.map((g) => g.name)).toEqual(['telemetry-health']);
      expect(rules.groups[0].rules.map((r) => r.alert)).toEqual([
        'AlloyExporterQueueNotDraining', 'AlloyExporterQueueFilling', 'AlloyDataDropped', 'AlloyReceiverRefusing', 'AlloyRemoteWriteFailing',
        'AlloyRemoteWriteBehind', 'Watchdog', 'TelemetryComponentDown', 'TelemetryVolumeNearlyFull', 'TelemetryMetricsAbsent',
      ]);
      const byName = new Map(rules.groups[0].rules.map((r) => [r.alert, r.expr]));
      expect(byName.get('TelemetryComponentDown')).toBe('up{job=~"alloy|alloy-metrics|alloy-logs|grafana"} == 0');
      expect(byName.get('TelemetryMetricsAbsent')).toBe('absent_over_time(up{job=~"alloy|alloy-metrics|alloy-logs|grafana"}[10m])');
      expect(env.stack.externalMetrics!.alerts.map((a) => a.alert)).toEqual(rules.groups[0].rules.map((r) => r.alert));
    });

    (promtool ? test : test.skip)('promtool check rules accepts the groups', () => {
      const file = path.join(out, 'groups.yml');
      // the groups alone, as a Prometheus rule file (promtool does not know mimirtool's namespace key)
      fs.writeFileSync(file, dump({ groups: rules.groups }, { lineWidth: -1 }));
      const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf-8' });
      expect({ status: r.status, output: r.stdout + r.stderr }).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${rules.groups[0].rules.length} rules found`) });
    });

    test('the collectors\' scrapes of the stack are in alloy-metrics, clustered, into the backend', () => {
      const c = fs.readFileSync(path.join(out, 'prod', 'alloy-metrics', 'config.alloy'), 'utf-8');
      expect(c).toContain([
        'prometheus.scrape "stack_alloy" {',
        '\tforward_to      = [prometheus.remote_write.metrics.receiver]',
        '\tjob_name        = "alloy"',
        '\tscrape_interval = "30s"',
        '\ttargets         = discovery.dns.stack_alloy.targets',
        '',
        '\tclustering {',
        '\t\tenabled = true',
        '\t}',
        '}',
        '',
        'discovery.dns "stack_alloy" {',
        '\tnames = ["alloy-cluster"]',
        '\tport  = 12345',
        '\ttype  = "A"',
        '}',
      ].join('\n'));
      expect(c).toContain([
        'prometheus.scrape "stack_grafana" {',
        '\tforward_to      = [prometheus.remote_write.metrics.receiver]',
        '\tjob_name        = "grafana"',
        '\tscrape_interval = "30s"',
        '\ttargets         = [',
        '\t\t{',
        '\t\t\t__address__ = "grafana:3000",',
        '\t\t},',
        '\t]',
      ].join('\n'));
    });
  });

  describe('with a local Prometheus', () => {
    const { stack, ms } = synth({ external: { metrics: metricsLocal } });
    const files = find(ms, 'ConfigMap', 'prometheus-config').data as Record<string, string>;

    test('it scrapes only the stack and sends to the Alertmanager; no alert needs what it does not hold', () => {
      const prom = load(files['prometheus.yml']) as any;
      expect(prom.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'alloy', 'alloy-metrics', 'alloy-logs', 'alertmanager', 'tempo', 'loki', 'grafana']);
      expect(prom.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] });
      // the kubelets' volume usage goes to the external backend: not here, so no volume alert
      expect(stack.prometheus.alerts.map((a) => a.alert)).not.toContain('TelemetryVolumeNearlyFull');
      expect(stack.prometheus.alerts.map((a) => a.alert)).toContain('TelemetryComponentDown');
    });

    (promtool ? test : test.skip)('promtool check config and check rules accept what it loads', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-ext-prom-'));
      for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text.split('/etc/prometheus/').join(`${dir}/`));
      const config = spawnSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf-8' });
      expect({ status: config.status, output: config.stdout + config.stderr }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS: 1 rule files found') });
      const rules = spawnSync('promtool', ['check', 'rules', path.join(dir, 'telemetry-alerts.yml')], { encoding: 'utf-8' });
      expect({ status: rules.status, output: rules.stdout + rules.stderr }).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${stack.prometheus.alerts.length} rules found`) });
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });
});

describe('the window an external backend must accept', () => {
  test('is derived from its senders as the bundled backends derive theirs', () => {
    const bundled = synth({}).stack;
    const { stack } = synth({ external: { metrics: metricsRuler, logs, traces } });
    // the same collectors: the same backlog, so the same windows (the bundled ones have a floor)
    expect(stack.externalMetrics!.requiredWindow.seconds).toBe(bundled.prometheus.outOfOrderWindowSeconds);
    expect(stack.externalLogs!.requiredWindow.seconds).toBe(bundled.loki.lateLogWindowSeconds);
    expect(stack.externalTraces!.requiredWindow.seconds).toBe(bundled.tempo.lateSpanWindowSeconds);
    // and docs/stack.md quotes them
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'stack.md'), 'utf-8').replace(/\s+/g, ' ');
    const w = (s: number) => durationText(s);
    expect(doc).toContain(`For the default collectors: metrics ${w(stack.externalMetrics!.requiredWindow.seconds)} (Mimir's \`out_of_order_time_window\`), ` +
      `logs ${w(stack.externalLogs!.requiredWindow.seconds)} (Loki's \`max_chunk_age\` at least twice that), traces ${w(stack.externalTraces!.requiredWindow.seconds)} (Tempo's ingestion slacks).`);
  });
});

describe('fails when an external backend is given what it cannot use', () => {
  const chart = () => Testing.chart();

  test('credentials of two kinds, a name Alloy cannot take, or not an object', () => {
    const both = { basicAuth: { username: 'u', password: MIMIR_PASSWORD }, bearerToken: { name: 'mimir', key: 'token' } };
    expect(() => new ExternalMetricsBackend(chart(), 'm', { ...metricsRuler, namespace: 'obs', credentials: both }))
      .toThrow('test/m: both bearerToken and basicAuth are set in credentials; give one kind of credentials');
    expect(() => new ExternalLogsBackend(chart(), 'l', { url: 'https://loki.example.com', name: 'my-logs' })).toThrow('test/l: invalid name');
    expect(() => new ObservabilityStack(testApp(), 'observability', { external: { logs: 'https://loki.example.com' as never } }))
      .toThrow('observability/external-logs: expected an object (got "https://loki.example.com")');
    expect(() => new ExternalTracesBackend(chart(), 't', { otlpHttpUrl: 'http://tempo:4318', queryUrl: 'http://tempo:3200', insecure: true }))
      .toThrow('test/t: insecure is for otlpGrpcEndpoint (got it with otlpHttpUrl); an http:// URL is plain text already');
  });

  test('scrape targets only for a backend that runs the alerts, each job once, at host:port', () => {
    const app = testApp();
    const stack = new ObservabilityStack(app, 'observability', { external: { metrics: metricsRuler } });
    const cfg = stack.metricsCollector.config;
    expect(() => stack.externalMetrics!.addScrapeTarget({ job: 'grafana', address: 'grafana:3000' }, cfg)).toThrow('observability/external-metrics: duplicate scrape job "grafana"');
    expect(() => stack.externalMetrics!.addScrapeTarget({ job: 'x', address: 'http://x:1' }, cfg)).toThrow('invalid scrape address for job "x" (got "http://x:1"); use host:port');
    const local = new ObservabilityStack(testApp(), 'observability', { external: { metrics: metricsLocal } }).externalMetrics!;
    expect(() => local.addScrapeTarget({ job: 'x', address: 'x:1' }, cfg)).toThrow('addScrapeTarget is for a backend that runs the stack\'s alerts (alerts: { ruler })');
    expect([local.alerts, local.renderRules(), local.syncCommand(), local.telemetry]).toEqual([[], '', '', undefined]);
  });

  test('a ruler\'s own alert that queries what the stack does not send, or takes a name twice', () => {
    const bad = (extraAlerts: any[]) => () => synth({ external: { metrics: { ...metricsRuler, alerts: { ruler: { url: 'https://mimir.example.com', extraAlerts } } } } });
    const rule = { expr: 'vector(1)', for: '0m', severity: 'info' as const, summary: 's', description: 'd' };
    expect(bad([{ ...rule, alert: 'Watchdog' }])).toThrow('observability/external-metrics: two alerts named "Watchdog"; give each alert its own name');
    // extraAlerts may query your own jobs: not checked
    expect(bad([{ ...rule, alert: 'Mine', expr: 'my_metric > 0' }])).not.toThrow();
  });

  test('Tempo\'s generator: a bearer token as a credentials file, two kinds of credentials refused', () => {
    const bearer = { ...metricsLocal, credentials: { bearerToken: { name: 'mimir', key: 'token' } } };
    const tempo = load(find(synth({ external: { metrics: bearer } }).ms, 'ConfigMap', 'tempo-config').data['tempo.yaml']) as any;
    expect(tempo.metrics_generator.storage.remote_write[0].authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/tempo-secrets/mimir/token' });
    expect(() => new Tempo(chart(), 'tempo', {
      namespace: 'obs', metricsGenerator: { remoteWriteUrl: 'https://m/api/v1/push', remoteWriteCredentials: { basicAuth: { username: 'u', password: MIMIR_PASSWORD }, bearerToken: MIMIR_PASSWORD } },
    })).toThrow('test/tempo: the metrics generator\'s receiver has both bearerToken and basicAuth; give it one kind of credentials');
    expect(() => new Tempo(chart(), 'tempo', {
      namespace: 'obs', metricsGenerator: { remoteWriteUrl: 'https://m/api/v1/push', remoteWriteCredentials: { bearerToken: { name: 'Bad', key: 'k' } } },
    })).toThrow('test/tempo: invalid Secret reference of the metrics generator\'s receiver (got name "Bad", key "k")');
  });

  test('Grafana: two Secret keys that map to one variable, two kinds of credentials, a URL it cannot read', () => {
    const source = (name: string, uid: string, credentials: any, url = 'https://x.example.com') => ({ datasource: { name, uid, type: 'prometheus', url, credentials } });
    const grafana = () => new Grafana(chart(), 'grafana', { namespace: 'obs', dashboards: false });
    const g = grafana();
    g.addDatasource(source('a', 'a', { bearerToken: { name: 'a-b', key: 'c' } }));
    expect(() => g.addDatasource(source('b', 'b', { bearerToken: { name: 'a', key: 'b-c' } }))).toThrow('test/grafana: Secret keys a-b/c and a/b-c map to one variable SECRET_A_B_C; rename one');
    expect(() => grafana().addDatasource(source('a', 'a', { bearerToken: MIMIR_PASSWORD, basicAuth: { username: 'u', password: MIMIR_PASSWORD } })))
      .toThrow('data source "a": both bearerToken and basicAuth are set; a data source takes one kind of credentials');
    expect(() => grafana().addDatasource(source('a', 'a', { bearerToken: { name: 'ok', key: 'a b' } }))).toThrow('test/grafana: invalid key of Secret ok (got "a b")');
    expect(() => grafana().addDatasource(source('a', 'a', undefined, 'not a url'))).toThrow('test/grafana: data source "a" has an invalid URL (got "not a url"); use an http(s) URL');
  });
});
