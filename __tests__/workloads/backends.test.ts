import { Testing } from 'cdk8s';
import { load } from 'js-yaml';
import { Alloy, Grafana, IMAGES, ObservabilityStack, Prometheus, SmokeTest, Tempo } from '../../lib';
import { find, manifestsOf, testApp } from '../support/manifests';

const stack = new ObservabilityStack(testApp(), 'observability');
const ms = manifestsOf(stack);
const yamlOf = (cm: string, key: string): any => load(find(ms, 'ConfigMap', cm).data[key]);

function pick(s: ObservabilityStack) {
  return { alloy: s.alloy, tempo: s.tempo, prometheus: s.prometheus, loki: s.loki };
}

describe('backends: persistence and retention', () => {
  test.each([['tempo', '/var/tempo'], ['prometheus', '/prometheus'], ['loki', '/loki']])('%s keeps its data on a PVC and is recreated, not rolled', (name, mountPath) => {
    const pvc = find(ms, 'PersistentVolumeClaim', `${name}-data`);
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
    const d = find(ms, 'Deployment', name);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: `${name}-data` } });
    expect(d.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath });
  });

  test('images are pinned by exact tag in one place', () => {
    const opt = manifestsOf(new ObservabilityStack(testApp(), 'observability', { kubeStateMetrics: true }));
    const smoke = new SmokeTest(Testing.chart(), 'smoke', { namespace: 'o', ...pick(new ObservabilityStack(testApp(), 'observability')) });
    const objectOf: Record<string, any> = {
      kubeStateMetrics: find(opt, 'Deployment', 'kube-state-metrics'),
      smokeTest: smoke.job.toJson(),
    };
    for (const [name, image] of Object.entries(IMAGES)) {
      // an exact version: no "latest", no floating major or minor tag
      expect(image).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+(-[a-z]+\d+(\.\d+)*)?$/);
      const w = objectOf[name] ?? ms.find((m) => (m.kind === 'Deployment' || m.kind === 'StatefulSet') && m.metadata.name === name)!;
      expect(w.spec.template.spec.containers[0].image).toBe(image);
    }
  });

  test('retention: Tempo and Loki 7 days by default, Prometheus 15 days and 8GB', () => {
    expect(yamlOf('tempo-config', 'tempo.yaml').compactor.compaction.block_retention).toBe('168h');
    const loki = yamlOf('loki-config', 'loki.yaml');
    expect(loki.limits_config.retention_period).toBe('168h');
    expect(loki.compactor).toEqual({ working_directory: '/loki/compactor', retention_enabled: true, delete_request_store: 'filesystem' });
    const args = find(ms, 'Deployment', 'prometheus').spec.template.spec.containers[0].args;
    expect(args).toEqual(expect.arrayContaining(['--storage.tsdb.retention.time=15d', '--storage.tsdb.retention.size=8GB']));
  });

  test('sizes and retention are props', () => {
    const s = new ObservabilityStack(testApp(), 'observability', {
      tempo: { retention: '72h', storageSize: '50Gi', storageClassName: 'fast' },
      loki: { retention: '30d', storageSize: '100Gi', ingestionRateMb: 16, ingestionBurstSizeMb: 32, maxLineSize: '512KB' },
      prometheus: { retention: '30d', retentionSize: '40GB', storageSize: '50Gi' },
    });
    const m = manifestsOf(s);
    expect(find(m, 'PersistentVolumeClaim', 'tempo-data').spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '50Gi' } } });
    expect(find(m, 'PersistentVolumeClaim', 'loki-data').spec.resources.requests.storage).toBe('100Gi');
    const loki = load(find(m, 'ConfigMap', 'loki-config').data['loki.yaml']) as any;
    expect(loki.limits_config).toMatchObject({ retention_period: '30d', ingestion_rate_mb: 16, ingestion_burst_size_mb: 32, max_line_size: '512KB' });
    expect(find(m, 'Deployment', 'prometheus').spec.template.spec.containers[0].args).toContain('--storage.tsdb.retention.size=40GB');
  });

  test('fails when the Prometheus retention size does not fit its volume, or a size is malformed', () => {
    expect(() => new Prometheus(Testing.chart(), 'p', { namespace: 'o', retentionSize: '20GB', storageSize: '10Gi' })).toThrow(
      'test/p: retentionSize 20GB does not fit the 10Gi volume; keep it at about 80 % of storageSize, leaving room for the WAL and compaction',
    );
    expect(() => new Prometheus(Testing.chart(), 'p', { namespace: 'o', retentionSize: '8 GB' })).toThrow('test/p: invalid retentionSize (got "8 GB"); write a positive size such as "8GB" or "512MB"');
    expect(() => new Prometheus(Testing.chart(), 'p', { namespace: 'o', storageSize: '10GB' })).toThrow('test/p: invalid storageSize (got "10GB"); write a positive size such as "10Gi" or "500Mi"');
    expect(() => new Tempo(Testing.chart(), 't', { namespace: 'o', storageSize: 'big' })).toThrow('t/server: invalid storage size (got "big"); write a positive size such as "10Gi" or "500Mi"');
  });
});

describe('Tempo', () => {
  test('durations take the form every duration prop takes: "7d" is written "168h", as Tempo reads Go durations', () => {
    const retentionOf = (retention: string) => {
      const t = new Tempo(Testing.chart(), 't', { namespace: 'o', retention, lateSpanWindow: '1d' });
      return (load(find(manifestsOf(t.node.scope as never), 'ConfigMap', 'tempo-config').data['tempo.yaml']) as any);
    };
    const week = retentionOf('7d');
    expect(week.compactor.compaction.block_retention).toBe('168h');
    // the late-span window in days too, derived from its seconds
    expect(week.storage.trace.wal.ingestion_time_range_slack).toBe('24h');
    expect(retentionOf('2w3d12h30m').compactor.compaction.block_retention).toBe('420h30m');
    // a Go duration without days stays as written
    expect(retentionOf('72h30m').compactor.compaction.block_retention).toBe('72h30m');
  });

  test('fails when a duration is one Go reads but not every duration prop takes', () => {
    expect(() => new Tempo(Testing.chart(), 't', { namespace: 'o', retention: '1.5h' })).toThrow(
      'test/t: invalid retention (got "1.5h"); write a positive duration with units y, w, d, h, m, s, ms and no fractions, such as "15d" or "1h30m"',
    );
    expect(() => new Tempo(Testing.chart(), 't', { namespace: 'o', lateSpanWindow: '500us' })).toThrow('test/t: invalid lateSpanWindow (got "500us")');
  });

  test('the metrics generator writes service graphs and span metrics to our Prometheus, with exemplars', () => {
    const tempo = yamlOf('tempo-config', 'tempo.yaml');
    expect(tempo.metrics_generator.storage.remote_write).toEqual([{ url: stack.prometheus.remoteWriteUrl, send_exemplars: true }]);
    expect(tempo.overrides.defaults.metrics_generator).toEqual({ processors: ['service-graphs', 'span-metrics'], trace_id_label_name: 'trace_id' });
    expect(tempo.distributor.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '0.0.0.0:4317', max_recv_msg_size_mib: 4 }, http: { endpoint: '0.0.0.0:4318' } });
    expect(tempo.server.http_listen_port).toBe(3200);
  });

  test('without a metrics generator target there is none', () => {
    const t = new Tempo(Testing.chart(), 't', { namespace: 'o' });
    const cm = find(manifestsOf(t.node.scope as never), 'ConfigMap', 'tempo-config');
    expect((load(cm.data['tempo.yaml']) as any).metrics_generator).toBeUndefined();
  });
});

describe('Loki multi-tenancy, consistent by construction', () => {
  test('one tenant prop sets Loki auth, the writer\'s tenant and Grafana\'s header', () => {
    const s = new ObservabilityStack(testApp(), 'observability', { loki: { tenant: 'platform' } });
    const m = manifestsOf(s);
    expect((load(find(m, 'ConfigMap', 'loki-config').data['loki.yaml']) as any).auth_enabled).toBe(true);
    expect(find(m, 'ConfigMap', 'alloy-config').data['config.alloy']).toContain(
      'otelcol.exporter.otlphttp "loki" {\n\tclient {\n\t\tendpoint = "http://loki:3100/otlp"\n\t\theaders  = {\n\t\t\t"X-Scope-OrgID" = "platform",\n\t\t}\n\t}',
    );
    const ds = (load(find(m, 'ConfigMap', 'grafana-config').data['datasources.yaml']) as any).datasources.find((d: any) => d.uid === 'loki');
    expect(ds.jsonData.httpHeaderName1).toBe('X-Scope-OrgID');
    expect(ds.secureJsonData).toEqual({ httpHeaderValue1: 'platform' });
  });

  test('without a tenant, auth is off and nothing sends one', () => {
    expect(yamlOf('loki-config', 'loki.yaml').auth_enabled).toBe(false);
    expect(find(ms, 'ConfigMap', 'alloy-config').data['config.alloy']).not.toContain('X-Scope-OrgID');
  });

  test('fails when the tenant or a limit is invalid', () => {
    expect(() => new ObservabilityStack(testApp(), 'o', { loki: { tenant: 'a b' } })).toThrow('o/loki: invalid tenant (got "a b")');
    expect(() => new ObservabilityStack(testApp(), 'o', { loki: { ingestionRateMb: 0 } })).toThrow('o/loki: ingestionRateMb must be a positive number (got 0)');
    expect(() => new ObservabilityStack(testApp(), 'o', { loki: { maxLineSize: 'long' } })).toThrow('o/loki: invalid maxLineSize (got "long")');
  });
});

describe('Grafana', () => {
  const datasources = yamlOf('grafana-config', 'datasources.yaml').datasources as any[];
  const byUid = Object.fromEntries(datasources.map((d) => [d.uid, d]));

  test('correlations: exemplars -> Tempo, traces -> logs and metrics, service map, log trace IDs -> Tempo', () => {
    expect(byUid.prometheus.jsonData.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'tempo' }]);
    expect(byUid.tempo.jsonData.tracesToLogsV2).toEqual({
      datasourceUid: 'loki', filterByTraceID: true, spanStartTimeShift: '-5m', spanEndTimeShift: '5m', tags: [{ key: 'service.name', value: 'service_name' }],
    });
    expect(byUid.tempo.jsonData.tracesToMetrics.datasourceUid).toBe('prometheus');
    expect(byUid.tempo.jsonData.serviceMap).toEqual({ datasourceUid: 'prometheus' });
    expect(byUid.tempo.jsonData.nodeGraph).toEqual({ enabled: true });
    expect(byUid.loki.jsonData.derivedFields.map((f: any) => [f.name, f.datasourceUid, f.url])).toEqual([
      ['trace_id', 'tempo', '$${__value.raw}'],
      ['traceID', 'tempo', '$${__value.raw}'],
    ]);
  });

  test('dashboards built with the foundation SDK are provisioned from a ConfigMap', () => {
    const cm = find(ms, 'ConfigMap', 'grafana-dashboards').data as Record<string, string>;
    expect(Object.keys(cm).sort()).toEqual(['alloy-health.json', 'backends-ingestion.json', 'dashboards.yaml']);
    const provider = load(cm['dashboards.yaml']) as any;
    expect(provider.providers[0]).toMatchObject({ type: 'file', options: { path: '/etc/grafana/provisioning/dashboards' } });
    const alloy = JSON.parse(cm['alloy-health.json']);
    expect(alloy.uid).toBe('cdk8s-alloy-health');
    const exprs = alloy.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr)) as string[];
    for (const metric of ['otelcol_receiver_accepted_spans_total', 'otelcol_receiver_refused_log_records_total', 'otelcol_exporter_send_failed_metric_points_total',
      'otelcol_exporter_queue_size', 'otelcol_exporter_queue_capacity', 'prometheus_remote_storage_samples_total', 'prometheus_remote_write_wal_storage_active_series']) {
      expect(exprs.some((e) => e.includes(metric))).toBe(true);
    }
    expect(alloy.panels.filter((p: any) => p.type === 'timeseries').every((p: any) => p.datasource.uid === 'prometheus')).toBe(true);
    const backends = JSON.parse(cm['backends-ingestion.json']);
    expect(backends.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title)).toEqual(['Tempo', 'Prometheus', 'Loki']);
    const pod = find(ms, 'Deployment', 'grafana').spec.template.spec;
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'dashboards', mountPath: '/etc/grafana/provisioning/dashboards', readOnly: true });
  });

  test('fails when dashboards have no metrics data source to query', () => {
    const g = new Grafana(Testing.chart(), 'g', { namespace: 'o' });
    expect(() => g.renderDashboards()).toThrow('test/g: the dashboards need a metrics data source (such as Prometheus); add one, or set dashboards: false');
    const none = new Grafana(Testing.chart(), 'g', { namespace: 'o', dashboards: false });
    expect(none.dashboardsConfigMap).toBeUndefined();
  });
});

describe('Alertmanager and Alloy watching themselves', () => {
  test('Prometheus sends alerts to Alertmanager and loads the rule file', () => {
    const prom = yamlOf('prometheus-config', 'prometheus.yml');
    expect(prom.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] });
    expect(prom.rule_files).toEqual(['/etc/prometheus/telemetry-alerts.yml']);
    expect(yamlOf('prometheus-config', 'telemetry-alerts.yml').groups[0].rules.map((r: any) => r.alert)).toContain('TelemetryComponentDown');
  });

  test('Alloy\'s own logs reach Loki once, from the pods\' stderr; its metrics are scraped; kubelet volume stats come through alloy-metrics', () => {
    // no logging write_to in the stack: the pod-logs pipeline of alloy-logs reads every pod's
    // stderr, the collectors' included, labelled and through the disk queue
    for (const name of ['alloy', 'alloy-metrics', 'alloy-logs']) {
      expect(find(ms, 'ConfigMap', `${name}-config`).data['config.alloy']).not.toContain('write_to');
    }
    const config = find(ms, 'ConfigMap', 'alloy-logs-config').data['config.alloy'] as string;
    expect(config).toContain('loki.source.kubernetes "pod_logs" {');
    expect(config).not.toMatch(/namespaces|field_selectors|label_selectors/);
    const metrics = find(ms, 'ConfigMap', 'alloy-metrics-config').data['config.alloy'] as string;
    expect(metrics).toContain('prometheus.scrape "kubelet" {');
    expect(metrics).toMatch(/regex {9}= "kubelet_volume_stats_\.\+\|/);
    expect(yamlOf('prometheus-config', 'prometheus.yml').scrape_configs.map((j: any) => j.job_name)).toEqual(expect.arrayContaining(['alloy', 'alloy-metrics', 'alloy-logs']));
  });

  test('a collector given selfLogs labels its own logs with its pod, and sends them apart from the disk queue', () => {
    const s2 = new ObservabilityStack(testApp(), 'observability');
    const a = new Alloy(s2, 'standalone', { namespace: 'observability', name: 'standalone', selfLogs: s2.loki });
    const text = a.config.renderOnce();
    expect(text).toContain('logging {\n\tformat   = "logfmt"\n\tlevel    = "info"\n\twrite_to = [loki.process.self_logs.receiver]\n}');
    expect(text).toContain(
      'loki.process "self_logs" {\n\tforward_to = [otelcol.receiver.loki.loki.receiver]\n\n\tstage.static_labels {\n\t\tvalues = {\n' +
      '\t\t\tapp       = "standalone",\n\t\t\tcontainer = "alloy",\n\t\t\tjob       = "observability/standalone",\n' +
      '\t\t\tnamespace = "observability",\n\t\t\tpod       = sys.env("POD_NAME"),\n\t\t}\n\t}\n}',
    );
    // the labels become resource attributes Loki indexes, as for pod logs
    expect(text).toContain('otelcol.receiver.loki "loki" {\n\toutput {\n\t\tlogs = [otelcol.processor.transform.loki_own_labels.input]\n\t}\n}');
    expect(text).toContain('otelcol.exporter.otlphttp "loki_own_logs" {\n\tclient {\n\t\tendpoint = "http://loki:3100/otlp"\n\t}\n}');
    const env = find(manifestsOf(s2), 'StatefulSet', 'standalone').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  });

  test('no credential is written into dist: Secrets are referenced, never inlined', () => {
    expect(ms.filter((m) => m.kind === 'Secret')).toEqual([]);
    // every env var that looks like a credential comes from a Secret
    for (const m of ms.filter((x) => x.spec?.template?.spec)) {
      for (const c of m.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          if (/PASSWORD|TOKEN|SECRET|KEY/i.test(e.name)) {
            expect({ env: e.name, value: e.value, fromSecret: e.valueFrom?.secretKeyRef !== undefined }).toEqual({ env: e.name, value: undefined, fromSecret: true });
          }
        }
      }
    }
    // no config file holds a credential-like field with a literal value
    const literals: string[] = [];
    for (const cm of ms.filter((m) => m.kind === 'ConfigMap')) {
      for (const [file, text] of Object.entries(cm.data as Record<string, string>)) {
        if (/\.ya?ml$/.test(file)) literals.push(...credentialLiterals(load(text), `${cm.metadata.name}/${file}`));
        if (file.endsWith('.alloy')) expect(text).not.toMatch(/^\s*(password|bearer_token|client_secret|api_key)\s*=\s*"/m);
      }
    }
    expect(literals).toEqual([]);
  });

  test('the credential scan itself catches a literal', () => {
    const text = 'receivers:\n  - name: x\n    slack_configs:\n      - api_url: https://hooks.slack.com/services/T/B/X\n        api_url_file: /etc/x\n';
    expect(credentialLiterals(load(text), 'am')).toEqual(['am.receivers[0].slack_configs[0].api_url']);
  });
});

/** Paths of credential-like fields holding a literal string. */
function credentialLiterals(node: unknown, where: string): string[] {
  const credential = /^(password|token|bearer_token|api_key|apikey|api_url|credentials|client_secret|secret|basic_auth_password)$/i;
  if (Array.isArray(node)) return node.flatMap((n, i) => credentialLiterals(n, `${where}[${i}]`));
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => [
      ...(credential.test(k) && typeof v === 'string' ? [`${where}.${k}`] : []),
      ...credentialLiterals(v, `${where}.${k}`),
    ]);
  }
  return [];
}
