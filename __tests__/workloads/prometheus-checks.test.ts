/**
 * The generated Prometheus configuration and alert rules, checked by the real tools:
 * promtool check config / check rules / test rules, and a remote-write round trip through a
 * real prometheus binary started with the Deployment's own flags.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dump } from 'js-yaml';
import { ObservabilityStack } from '../../lib';
import { find, manifestsOf, testApp } from '../support/manifests';
import { encodeWriteRequest, snappyLiteral } from '../support/remote-write';
import { haveTool } from '../support/tools';

const stack = new ObservabilityStack(testApp(), 'observability');
const manifests = manifestsOf(stack);
const configMap = find(manifests, 'ConfigMap', 'prometheus-config').data as Record<string, string>;
const container = find(manifests, 'Deployment', 'prometheus').spec.template.spec.containers[0];
const promtool = haveTool('promtool');
const prometheusBinary = haveTool('prometheus');

/** The ConfigMap's files in a temp dir, with the mount path /etc/prometheus mapped to it. */
function materialize(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-prom-'));
  for (const [file, text] of Object.entries(configMap)) {
    fs.writeFileSync(path.join(dir, file), text.split('/etc/prometheus/').join(`${dir}/`));
  }
  return dir;
}

function run(cmd: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf-8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('promtool', () => {
  (promtool ? test : test.skip)('check config accepts prometheus.yml with its rule file', () => {
    const dir = materialize();
    const r = run('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS: 1 rule files found') });
  });

  (promtool ? test : test.skip)('check rules accepts the telemetry-health alerts', () => {
    const dir = materialize();
    const r = run('promtool', ['check', 'rules', path.join(dir, 'telemetry-alerts.yml')]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${stack.prometheus.alerts.length} rules found`) });
  });

  (promtool ? test : test.skip)('test rules: each alert fires on the series it is meant for and stays quiet on healthy ones', () => {
    const dir = materialize();
    const alerts = new Map(stack.prometheus.alerts.map((a) => [a.alert, a]));
    const expand = (template: string, labels: Record<string, string>): string =>
      template.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, l: string) => labels[l] ?? '');
    type Case = { alert: string; series: Array<[string, string]>; at: string; firing: Array<Record<string, string>>; quietAgainAt?: string };
    const cases: Case[] = [
      {
        alert: 'AlloyExporterQueueNotDraining',
        series: [
          // retrying without end: no failures counted, but the queue never empties
          ['otelcol_exporter_queue_size{job="alloy", instance="alloy:12345", exporter="otelcol.exporter.otlphttp.loki"}', '10+100x30'],
          ['otelcol_exporter_queue_size{job="alloy-logs", instance="alloy-logs-0:12345", exporter="otelcol.exporter.otlphttp.loki_sources"}', '5+5x30'],
          ['otelcol_exporter_queue_size{job="alloy", instance="alloy:12345", exporter="otelcol.exporter.otlphttp.draining"}', '0 5 0 3 0 0 7 0 0 0 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0'],
          // a job that is not a collector of this stack is not watched
          ['otelcol_exporter_queue_size{job="someone-else", instance="x:1", exporter="stuck"}', '10+100x30'],
        ],
        at: '20m',
        firing: [{ instance: 'alloy:12345', exporter: 'otelcol.exporter.otlphttp.loki' }, { instance: 'alloy-logs-0:12345', exporter: 'otelcol.exporter.otlphttp.loki_sources' }],
      },
      {
        alert: 'AlloyExporterQueueFilling',
        series: [
          ['otelcol_exporter_queue_size{job="alloy", instance="alloy:12345", exporter="full"}', '900x30'],
          ['otelcol_exporter_queue_capacity{job="alloy", instance="alloy:12345", exporter="full"}', '1000x30'],
          ['otelcol_exporter_queue_size{job="alloy", instance="alloy:12345", exporter="calm"}', '100x30'],
          ['otelcol_exporter_queue_capacity{job="alloy", instance="alloy:12345", exporter="calm"}', '1000x30'],
        ],
        at: '20m',
        firing: [{ instance: 'alloy:12345', exporter: 'full' }],
      },
      {
        alert: 'AlloyReceiverRefusing',
        series: [
          ['otelcol_receiver_refused_log_records_total{job="alloy", instance="alloy:12345", receiver="otelcol.receiver.otlp.default"}', '0+30x30'],
          ['otelcol_receiver_refused_spans_total{job="alloy", instance="alloy:12345", receiver="otelcol.receiver.otlp.other"}', '0+0x30'],
        ],
        at: '20m',
        firing: [{ instance: 'alloy:12345', receiver: 'otelcol.receiver.otlp.default' }],
      },
      {
        alert: 'AlloyRemoteWriteFailing',
        series: [
          ['prometheus_remote_storage_samples_failed_total{job="alloy-metrics", instance="alloy-a:12345"}', '0+100x30'],
          ['prometheus_remote_storage_samples_failed_total{job="alloy-metrics", instance="alloy-b:12345"}', '0+0x30'],
          ['prometheus_remote_storage_samples_retried_total{job="alloy-metrics", instance="alloy-c:12345"}', '0+500x30'],
          ['prometheus_remote_storage_samples_retried_total{job="alloy-metrics", instance="alloy-b:12345"}', '0+0x30'],
        ],
        at: '25m',
        firing: [{ instance: 'alloy-a:12345' }, { instance: 'alloy-c:12345' }],
      },
      {
        alert: 'AlloyRemoteWriteBehind',
        series: [
          ['prometheus_remote_storage_highest_timestamp_in_seconds{job="alloy-metrics", instance="alloy-a:12345"}', '1000+60x40'],
          ['prometheus_remote_storage_queue_highest_sent_timestamp_seconds{job="alloy-metrics", instance="alloy-a:12345", remote_name="p"}', '1000+0x40'],
          ['prometheus_remote_storage_highest_timestamp_in_seconds{job="alloy-metrics", instance="alloy-b:12345"}', '1000+60x40'],
          ['prometheus_remote_storage_queue_highest_sent_timestamp_seconds{job="alloy-metrics", instance="alloy-b:12345", remote_name="p"}', '1000+60x40'],
        ],
        at: '30m',
        firing: [{ instance: 'alloy-a:12345' }],
      },
      {
        alert: 'AlloyDataDropped',
        series: [
          // one batch of 500 records refused for good, then nothing: a single loss must fire
          ['otelcol_exporter_send_failed_log_records_total{job="alloy-logs", instance="alloy-logs-0:12345", exporter="otelcol.exporter.otlphttp.loki_sources"}', '0x10 500x20'],
          ['otelcol_exporter_send_failed_spans_total{job="alloy", instance="alloy-0:12345", exporter="otelcol.exporter.otlp.tempo"}', '0+0x30'],
        ],
        at: '15m',
        firing: [{ instance: 'alloy-logs-0:12345', exporter: 'otelcol.exporter.otlphttp.loki_sources' }],
        quietAgainAt: '29m',
      },
      {
        alert: 'PrometheusRefusingPushes',
        series: [
          ['prometheus_http_requests_total{job="prometheus", instance="localhost:9090", handler="/api/v1/otlp/v1/metrics", code="400"}', '0+5x30'],
          ['prometheus_http_requests_total{job="prometheus", instance="localhost:9090", handler="/api/v1/write", code="204"}', '0+500x30'],
          ['prometheus_http_requests_total{job="prometheus", instance="localhost:9090", handler="/api/v1/query", code="400"}', '0+5x30'],
        ],
        at: '20m',
        firing: [{ instance: 'localhost:9090', handler: '/api/v1/otlp/v1/metrics', code: '400' }],
      },
      {
        alert: 'PrometheusSamplesTooOld',
        series: [
          ['prometheus_tsdb_too_old_samples_total{job="prometheus", instance="localhost:9090", type="float"}', '0x10 40x20'],
        ],
        at: '15m',
        firing: [{ instance: 'localhost:9090' }],
        quietAgainAt: '29m',
      },
      {
        alert: 'LokiDiscardingLogs',
        series: [
          ['loki_discarded_samples_total{job="loki", instance="loki:3100", reason="rate_limited", tenant="fake"}', '0x10 200x20'],
          ['loki_discarded_samples_total{job="loki", instance="loki:3100", reason="line_too_long", tenant="fake"}', '0+0x30'],
        ],
        at: '20m',
        firing: [{ reason: 'rate_limited' }],
        quietAgainAt: '29m',
      },
      {
        alert: 'TempoDiscardingSpans',
        series: [
          ['tempo_discarded_spans_total{job="tempo", instance="tempo:3200", reason="rate_limited", tenant="single-tenant"}', '0x10 200x20'],
          ['tempo_discarded_spans_total{job="tempo", instance="tempo:3200", reason="trace_too_large", tenant="single-tenant"}', '0+0x30'],
        ],
        at: '20m',
        firing: [{ reason: 'rate_limited' }],
        quietAgainAt: '29m',
      },
      {
        alert: 'TempoSpansOutsideWindow',
        series: [
          ['tempo_warnings_total{job="tempo", instance="tempo:3200", reason="outside_ingestion_time_slack", tenant="single-tenant"}', '0x10 3x20'],
          ['tempo_warnings_total{job="tempo", instance="tempo:3200", reason="something_else", tenant="single-tenant"}', '0+5x30'],
        ],
        at: '15m',
        firing: [{ reason: 'outside_ingestion_time_slack' }],
        quietAgainAt: '29m',
      },
      {
        alert: 'Watchdog',
        series: [],
        at: '5m',
        firing: [{}],
      },
      {
        alert: 'TelemetryComponentDown',
        series: [
          ['up{job="loki", instance="loki:3100"}', '0x30'],
          ['up{job="tempo", instance="tempo:3200"}', '1x30'],
          ['up{job="someone-else", instance="x:1"}', '0x30'],
        ],
        at: '20m',
        firing: [{ job: 'loki', instance: 'loki:3100' }],
      },
      {
        alert: 'TelemetryVolumeNearlyFull',
        series: [
          ['kubelet_volume_stats_available_bytes{job="kubelet", namespace="observability", persistentvolumeclaim="loki-data"}', '10x30'],
          ['kubelet_volume_stats_capacity_bytes{job="kubelet", namespace="observability", persistentvolumeclaim="loki-data"}', '100x30'],
          ['kubelet_volume_stats_available_bytes{job="kubelet", namespace="observability", persistentvolumeclaim="prometheus-data"}', '50x30'],
          ['kubelet_volume_stats_capacity_bytes{job="kubelet", namespace="observability", persistentvolumeclaim="prometheus-data"}', '100x30'],
          ['kubelet_volume_stats_available_bytes{job="kubelet", namespace="elsewhere", persistentvolumeclaim="full"}', '1x30'],
          ['kubelet_volume_stats_capacity_bytes{job="kubelet", namespace="elsewhere", persistentvolumeclaim="full"}', '100x30'],
        ],
        at: '20m',
        firing: [{ job: 'kubelet', namespace: 'observability', persistentvolumeclaim: 'loki-data' }],
      },
    ];
    // every alert has a case
    expect(cases.map((c) => c.alert).sort()).toEqual([...alerts.keys()].sort());
    const tests = cases.map((c) => {
      const a = alerts.get(c.alert)!;
      return {
        interval: '1m',
        input_series: c.series.map(([series, values]) => ({ series, values })),
        alert_rule_test: [
          {
            eval_time: c.at,
            alertname: c.alert,
            exp_alerts: c.firing.map((labels) => ({
              exp_labels: { severity: a.severity, ...labels },
              exp_annotations: { summary: expand(a.summary, labels), description: expand(a.description, labels) },
            })),
          },
          // once the loss is older than the window, the alert stops
          ...(c.quietAgainAt ? [{ eval_time: c.quietAgainAt, alertname: c.alert, exp_alerts: [] }] : []),
        ],
      };
    });
    fs.writeFileSync(path.join(dir, 'tests.yml'), dump({ rule_files: ['telemetry-alerts.yml'], evaluation_interval: '1m', tests }, { lineWidth: -1 }));
    const r = run('promtool', ['test', 'rules', path.join(dir, 'tests.yml')]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

describe('remote write into the real prometheus binary', () => {
  let server: ChildProcess | undefined;
  afterAll(() => {
    if (server?.pid !== undefined && server.exitCode === null) {
      process.kill(server.pid, 'SIGTERM');
    }
  });

  (prometheusBinary ? test : test.skip)('a sample written to the URL config.alloy uses is read back through the query API', async () => {
    const dir = materialize();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    // the Deployment's own flags, with its paths mapped into the temp dir and a free loopback port
    const port = 19090 + Math.floor(Math.random() * 500);
    const args = (container.args as string[]).map((a) => a
      .replace('/etc/prometheus/', `${dir}/`)
      .replace(/^--storage\.tsdb\.path=.*/, `--storage.tsdb.path=${data}`)
      .replace(/^--web\.listen-address=.*/, `--web.listen-address=127.0.0.1:${port}`));
    expect(args).toContain('--web.enable-remote-write-receiver');
    // Debian's prometheus is 2.42, which has no OTLP receiver flag (the image is 3.14): the one
    // flag it does not know is left out; it warns about the unknown feature and goes on
    expect(args).toContain('--web.enable-otlp-receiver');
    server = spawn('prometheus', args.filter((a) => a !== '--web.enable-otlp-receiver'), { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    server.stderr?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/-/ready`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || server.exitCode !== null) {
        throw new Error(`prometheus did not become ready: ${log.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }

    // the path comes from alloy-metrics' prometheus.remote_write endpoint
    const alloyConfig = find(manifests, 'ConfigMap', 'alloy-metrics-config').data['config.alloy'] as string;
    const url = new URL(/prometheus\.remote_write "prometheus" \{\n\tendpoint \{\n\t\turl = "([^"]+)"/.exec(alloyConfig)![1]);
    expect(url.pathname).toBe('/api/v1/write');
    const now = Date.now();
    const body = snappyLiteral(encodeWriteRequest([{ labels: { __name__: 'cdk8s_alloy_roundtrip', source: 'test' }, samples: [{ value: 42.5, timestampMs: now }] }]));
    const write = await fetch(`${base}${url.pathname}`, {
      method: 'POST',
      body,
      headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
    });
    expect(write.status).toBe(204);

    const query = await fetch(`${base}/api/v1/query?query=cdk8s_alloy_roundtrip&time=${(now / 1000).toFixed(3)}`);
    const result = await query.json() as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    expect(result.status).toBe('success');
    expect(result.data.result).toEqual([{ metric: { __name__: 'cdk8s_alloy_roundtrip', source: 'test' }, value: [expect.any(Number), '42.5'] }]);

    process.kill(server.pid!, 'SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
