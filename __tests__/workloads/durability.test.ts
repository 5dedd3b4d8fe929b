import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { LokiSourceApi, LokiSourceKubernetesEvents, OtelcolProcessorMemoryLimiter, OtelcolReceiverOtlp, OtelcolReceiverZipkin, OtelcolStorageFile, PrometheusScrape } from '../../imports/alloy';
import { Alloy, DurableQueue, ObservabilityStack } from '../../lib';
import { budgetTable, outageBudget, windowsTable } from '../../lib/stack';
import { find, manifestsOf, testApp } from '../support/manifests';

const stack = new ObservabilityStack(testApp(), 'observability');
const ms = manifestsOf(stack);
const sts = find(ms, 'StatefulSet', 'alloy');
const config = find(ms, 'ConfigMap', 'alloy-config').data['config.alloy'] as string;

describe('Alloy keeps its state on disk, highly available', () => {
  test('a StatefulSet whose volume claim template is mounted at --storage.path', () => {
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.serviceName).toBe('alloy-cluster');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'alloy' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    }]);
    const c = sts.spec.template.spec.containers[0];
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/alloy/data' });
    expect(c.args).toContain('--storage.path=/var/lib/alloy/data');
  });

  test('a PodDisruptionBudget, topology spread across nodes and a grace period to flush', () => {
    expect(find(ms, 'PodDisruptionBudget', 'alloy').spec).toEqual({
      maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'alloy' } },
    });
    const pod = sts.spec.template.spec;
    expect(pod.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/instance': 'observability', 'app.kubernetes.io/name': 'alloy' } },
    }]);
    expect(pod.terminationGracePeriodSeconds).toBe(60);
  });

  test('clustering: the scrape runs once across replicas of alloy-metrics, through its headless Service', () => {
    const metrics = find(ms, 'ConfigMap', 'alloy-metrics-config').data['config.alloy'] as string;
    expect(metrics).toContain('prometheus.scrape "kubelet" {');
    expect(metrics).toContain('\tclustering {\n\t\tenabled = true\n\t}');
    expect(find(ms, 'StatefulSet', 'alloy-metrics').spec.template.spec.containers[0].args)
      .toEqual(expect.arrayContaining(['--cluster.enabled=true', '--cluster.join-addresses=alloy-metrics-cluster']));
    expect(find(ms, 'Service', 'alloy-metrics-cluster').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'http', port: 12345 }] });
    // the gateway has nothing to share: no clustering flags, but still its governing Service
    expect(config).not.toContain('clustering');
    expect(sts.spec.template.spec.containers[0].args).not.toContain('--cluster.enabled=true');
    expect(find(ms, 'Service', 'alloy-cluster').spec.clusterIP).toBe('None');
  });

  test('one replica: no PDB, no spread', () => {
    const s = new ObservabilityStack(testApp(), 'observability', { alloy: { replicas: 1 }, metricsCollector: { replicas: 1 }, logsCollector: { replicas: 1 } });
    const m = manifestsOf(s);
    expect(m.filter((x) => x.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(find(m, 'StatefulSet', 'alloy').spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });
});

describe('every signal is queued on disk while its backend is down', () => {
  const block = (text: string, kind: string, label: string): string => {
    const start = text.indexOf(`${kind} "${label}" {\n`);
    expect(start).toBeGreaterThanOrEqual(0);
    return text.slice(start, text.indexOf('\n}\n', start));
  };

  test('traces, OTLP metrics and logs: persistent, byte-sized queues on the volume, retried without a time limit, batches cut below the receiver\'s limit', () => {
    const queue = (kind: string, label: string, bytes: number, batchBytes: number) => {
      const b = block(config, kind, label);
      expect(b).toContain('\tretry_on_failure {\n\t\tenabled          = true\n\t\tmax_elapsed_time = "0s"\n\t}');
      // batched inside the exporter, after the disk queue, in bytes: 90 % of what the receiver takes
      expect(b).toContain(
        `\tsending_queue {\n\t\tqueue_size = ${bytes}\n\t\tsizer      = "bytes"\n\t\tstorage    = otelcol.storage.file.queue.handler\n\n` +
        `\t\tbatch {\n\t\t\tflush_timeout = "200ms"\n\t\t\tmax_size      = ${batchBytes}\n\t\t\tmin_size      = ${Math.floor(batchBytes / 4)}\n\t\t\tsizer         = "bytes"\n\t\t}\n\t}`,
      );
      // OTLP senders are refused when the queue is full, and retry
      expect(b).not.toContain('block_on_overflow');
    };
    // Tempo: gRPC's 4 MiB; Prometheus OTLP: 8 MiB; Loki: an eighth of its 15MB per-stream burst
    queue('otelcol.exporter.otlp', 'tempo', 3 * 2 ** 30, Math.floor(4 * 2 ** 20 * 0.9));
    queue('otelcol.exporter.otlphttp', 'prometheus', 2 * 2 ** 30, Math.floor(8 * 2 ** 20 * 0.9));
    queue('otelcol.exporter.otlphttp', 'loki', 3 * 2 ** 30, Math.floor((15 * 2 ** 20 / 8) * 0.9));
    expect(config).toContain('otelcol.storage.file "queue" {\n\tdirectory = "/var/lib/alloy/data/otelcol-queue"\n}');
    // OTLP metrics no longer go through remote write: the disk queue survives a restart, a WAL's backlog does not
    expect(config).not.toContain('prometheus.remote_write');
    expect(config).not.toContain('otelcol.exporter.prometheus');
  });

  test('the loki.* sources\' queue waits for room, so the tailers stop reading instead of losing what they read', () => {
    const logs = find(ms, 'ConfigMap', 'alloy-logs-config').data['config.alloy'] as string;
    const b = block(logs, 'otelcol.exporter.otlphttp', 'loki_sources');
    expect(b).toContain('\t\tblock_on_overflow = true\n');
    expect(b).toContain(`queue_size        = ${2 * 2 ** 30}`);
    // and nothing else refuses on that path: no batch processor, no in-memory exporter for the sources
    expect(logs).not.toContain('otelcol.processor.batch');
    expect(logs).toContain('output {\n\t\tlogs = [otelcol.exporter.otlphttp.loki_sources.input]\n\t}');
  });

  test('fsync is a prop, off by default', () => {
    expect(config).not.toContain('fsync');
    const s = new ObservabilityStack(testApp(), 'o', { alloy: { durability: { fsync: true } } });
    expect(find(manifestsOf(s), 'ConfigMap', 'alloy-config').data['config.alloy']).toContain('otelcol.storage.file "queue" {\n\tdirectory = "/var/lib/alloy/data/otelcol-queue"\n\tfsync     = true\n}');
  });

  test('no batch processor sits between the receiver and the queues', () => {
    expect(config).not.toContain('otelcol.processor.batch');
  });

  test('sizes are props, and the queues the config uses must leave room on the volume', () => {
    const s = new ObservabilityStack(testApp(), 'observability', {
      alloy: { storageSize: '50Gi', durability: { tracesQueueSize: '20Gi', logsQueueSize: '15Gi' } },
      metricsCollector: { durability: { metricsWalKeepalive: '12h' } },
    });
    const ms2 = manifestsOf(s);
    expect(find(ms2, 'ConfigMap', 'alloy-config').data['config.alloy']).toContain(`queue_size = ${20 * 2 ** 30}`);
    expect(find(ms2, 'ConfigMap', 'alloy-metrics-config').data['config.alloy']).toContain('max_keepalive_time = "12h"');
    // durations in days, as every duration prop takes them, are written as Alloy reads them
    const days = new ObservabilityStack(testApp(), 'observability', {
      metricsCollector: { storageSize: '20Gi', durability: { metricsWalKeepalive: '1d', metricsWalTruncateFrequency: '1d' } },
    });
    const daysConfig = find(manifestsOf(days), 'ConfigMap', 'alloy-metrics-config').data['config.alloy'];
    expect(daysConfig).toContain('max_keepalive_time = "24h"');
    expect(daysConfig).toContain('truncate_frequency = "24h"');
    const app = testApp();
    new ObservabilityStack(app, 'o', { alloy: { durability: { tracesQueueSize: '6Gi', logsQueueSize: '4Gi' } } });
    expect(() => app.synth()).toThrow(
      'o/alloy: the on-disk queues (otelcol.exporter.otlphttp.prometheus 2Gi, otelcol.exporter.otlphttp.loki 4Gi, otelcol.exporter.otlp.tempo 6Gi: 12Gi) take more than 80 % of the 10Gi volume, ' +
      'leaving no room for the storage engine\'s overhead and the remote-write WAL; make storageSize larger or the queue sizes smaller',
    );
  });

  test('the gateway that also reads pod logs holds a second logs queue, and gets the room for it', () => {
    const s2 = new ObservabilityStack(testApp(), 'o', { logsCollector: false });
    expect(find(manifestsOf(s2), 'StatefulSet', 'alloy').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('15Gi');
    expect(s2.alloy.durableQueue.allocations.map((a) => a.exporter)).toContain('otelcol.exporter.otlphttp.loki_sources');
    const app = testApp();
    new ObservabilityStack(app, 'o', { logsCollector: false, alloy: { storageSize: '10Gi' } });
    expect(() => app.synth()).toThrow('otelcol.exporter.otlphttp.loki_sources 3Gi');
  });

  test('fails when a config gets a second DurableQueue', () => {
    const alloy = new Alloy(Testing.chart(), 'alloy', { namespace: 'o' });
    expect(() => new DurableQueue(alloy.config, 'another', { directory: '/var/lib/alloy/data/x' })).toThrow(
      'test/alloy/config/another: test/alloy/config already has a DurableQueue; a config has one',
    );
  });
});

describe('memory safety', () => {
  test('the memory limiter is set from the container\'s limit, and GOMEMLIMIT below the limit', () => {
    const c = sts.spec.template.spec.containers[0];
    expect(c.resources.limits.memory).toBe('1Gi');
    expect(config).toContain('\tcheck_interval = "1s"\n\tlimit          = "819MiB"\n\tspike_limit    = "204MiB"');
    expect(c.env).toContainEqual({ name: 'GOMEMLIMIT', value: '921MiB' });
    const big = new ObservabilityStack(testApp(), 'o', { alloy: { resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } } } });
    expect(find(manifestsOf(big), 'ConfigMap', 'alloy-config').data['config.alloy']).toContain('limit          = "3276MiB"');
  });
});

describe('backends keep their own data safe', () => {
  test('Loki\'s and Tempo\'s WALs and Prometheus\'s TSDB are on their PVCs', () => {
    const { load } = require('js-yaml');
    const loki = load(find(ms, 'ConfigMap', 'loki-config').data['loki.yaml']);
    expect(loki.ingester.wal).toEqual({ enabled: true, dir: '/loki/wal' });
    const tempo = load(find(ms, 'ConfigMap', 'tempo-config').data['tempo.yaml']);
    expect(tempo.storage.trace.wal.path).toBe('/var/tempo/wal');
    expect(find(ms, 'Deployment', 'tempo').spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/tempo' });
    expect(find(ms, 'Deployment', 'loki').spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/loki' });
    expect(find(ms, 'Deployment', 'prometheus').spec.template.spec.containers[0].args).toContain('--storage.tsdb.path=/prometheus');
  });
});

describe('cross-checks at synth', () => {
  const synthFails = (build: (alloy: Alloy) => void, message: string, props = {}) => {
    const app = testApp();
    const chart = new (require('cdk8s').Chart)(app, 'c');
    const alloy = new Alloy(chart, 'alloy', { namespace: 'o', ...props });
    build(alloy);
    expect(() => app.synth()).toThrow(message);
  };

  test('fails when a receiver listens on a port that neither the container nor the Service exposes', () => {
    synthFails((a) => new OtelcolReceiverOtlp(a.config, 'extra', { http: { endpoint: '0.0.0.0:9999' }, output: {}, dropOutput: true }),
      'c/alloy/config/extra (otelcol.receiver.otlp.extra): http listens on port 9999, which neither the container nor the Service exposes (they expose 4317, 4318, 12345); add it with extraPorts');
  });

  test('a port given in extraPorts is exposed and passes', () => {
    const app = testApp();
    const alloy = new Alloy(new (require('cdk8s').Chart)(app, 'c'), 'alloy', { namespace: 'o', extraPorts: [{ name: 'extra', port: 9999 }] });
    new OtelcolReceiverOtlp(alloy.config, 'extra', { http: { endpoint: '0.0.0.0:9999' }, output: {}, dropOutput: true });
    expect(() => app.synth()).not.toThrow();
  });

  test('fails when a storage path is off the volume', () => {
    synthFails((a) => new OtelcolStorageFile(a.config, 'tmpqueue', { directory: '/tmp/queue' }),
      'c/alloy/config/tmpqueue (otelcol.storage.file.tmpqueue): directory "/tmp/queue" is not on the collector\'s volume; put it under /var/lib/alloy/data/ so the queue survives restarts');
  });

  test('fails when a component clusters but clustering is off (no headless Service to join)', () => {
    synthFails((a) => new PrometheusScrape(a.config, 's', { targets: [], forwardTo: [], dropOutput: true, clustering: { enabled: true } }),
      'c/alloy: a component enables clustering but the collector runs with clustering: false, so there is no --cluster.enabled and no headless Service to join; remove clustering: false, or the clustering block',
      { clustering: false });
  });

  test('fails when the memory limiter is not below GOMEMLIMIT, by size or by percentage', () => {
    synthFails((a) => new OtelcolProcessorMemoryLimiter(a.config, 'ml', { checkInterval: '1s', limit: '1000MiB', output: {}, dropOutput: true }),
      'c/alloy/config/ml (otelcol.processor.memory_limiter.ml): limit 1000MiB is not below GOMEMLIMIT (921MiB, 90 % of the container\'s 1Gi); the pod would be OOM-killed before the limiter refuses data: lower the limit or raise the container\'s memory');
    synthFails((a) => new OtelcolProcessorMemoryLimiter(a.config, 'ml', { checkInterval: '1s', limitPercentage: 100, output: {}, dropOutput: true }),
      'c/alloy/config/ml (otelcol.processor.memory_limiter.ml): limit_percentage 100 is not below GOMEMLIMIT\'s 90 % of the container\'s memory; use at most 85');
  });

  test('fails when other receivers listen on ports nobody exposes (zipkin endpoint, loki.source.api listen_port)', () => {
    synthFails((a) => new OtelcolReceiverZipkin(a.config, 'z', { endpoint: '0.0.0.0:9411', output: {}, dropOutput: true }),
      'c/alloy/config/z (otelcol.receiver.zipkin.z): endpoint listens on port 9411');
    synthFails((a) => new LokiSourceApi(a.config, 'api', { forwardTo: [], dropOutput: true, http: { listenPort: 3500 } }),
      'c/alloy/config/api (loki.source.api.api): http listens on port 3500');
  });

  test('fails when a storage path only looks like it is on the volume', () => {
    synthFails((a) => new OtelcolStorageFile(a.config, 'q', { directory: '/var/lib/alloy/data/../../../tmp/q' }),
      'c/alloy/config/q (otelcol.storage.file.q): directory "/var/lib/alloy/data/../../../tmp/q" is not on the collector\'s volume');
  });

  test('fails when several replicas would scrape the same targets', () => {
    synthFails((a) => new PrometheusScrape(a.config, 's', { targets: [], forwardTo: [], dropOutput: true }),
      'c/alloy/config/s (prometheus.scrape.s): 2 replicas would each scrape the same targets; add clustering: { enabled: true } so they share them, or run one replica');
  });

  test('fails when several replicas would each read the same events; one replica, or clustering, passes', () => {
    synthFails((a) => new LokiSourceKubernetesEvents(a.config, 'ev', { forwardTo: [], dropOutput: true }),
      'c/alloy/config/ev (loki.source.kubernetes_events.ev): 2 replicas would each read the same events and send them twice; add clustering: { enabled: true } so they share them, or run one replica');
    for (const [props, clustering] of [[{ replicas: 1 }, undefined], [{}, { enabled: true }]] as const) {
      const app = testApp();
      const alloy = new Alloy(new (require('cdk8s').Chart)(app, 'c'), 'alloy', { namespace: 'o', ...props });
      new LokiSourceKubernetesEvents(alloy.config, 'ev', { forwardTo: [], dropOutput: true, ...(clustering ? { clustering } : {}) });
      new OtelcolStorageFile(alloy.config, 'q', { directory: '/var/lib/alloy/data/./q' });
      expect(() => app.synth()).not.toThrow();
    }
  });
});

describe('outage budget', () => {
  test('follows from the configured sizes and the stated rate, per collector and queue', () => {
    const rows = stack.collectors.flatMap((c) => outageBudget(c));
    expect(rows.map((r) => [r.collector, r.signal, r.backend, r.capacityBytes, Math.round(r.outageSeconds)])).toEqual([
      // 2Gi at 5000 points/s x 128 B; 3Gi at 1000 records/s x 512 B; 3Gi at 500 spans/s x 1 KiB
      ['alloy', 'metrics', 'prometheus', 2 * 2 ** 30, 3355],
      ['alloy', 'logs', 'loki', 3 * 2 ** 30, 6291],
      ['alloy', 'traces', 'tempo', 3 * 2 ** 30, 6291],
      // two thirds of the 2h truncation interval, under the 2h keepalive and the room left on 5Gi
      ['alloy-metrics', 'metrics', 'prometheus', 5 * 2 ** 30 > 10000 * 16 * 4 * 3600 ? 10000 * 16 * 4 * 3600 : 5 * 2 ** 30, 4800],
      // 2Gi at 1000 records/s x 512 B
      ['alloy-logs', 'logs', 'loki', 2 * 2 ** 30, 4194],
    ]);
    const bigger = new ObservabilityStack(testApp(), 'o', { alloy: { storageSize: '20Gi', durability: { tracesQueueSize: '6Gi' } } });
    expect(outageBudget(bigger.alloy).find((r) => r.signal === 'traces')!.outageSeconds).toBeCloseTo(2 * 6291.456, 0);
    const faster = new ObservabilityStack(testApp(), 'o', { alloy: { durability: { ingestRates: { spansPerSecond: 1000 } } } });
    expect(outageBudget(faster.alloy).find((r) => r.signal === 'traces')!.outageSeconds).toBeCloseTo(6291.456 / 2, 0);
  });

  test('each row says what survives a restart, a node crash and a full queue, as the code does', () => {
    const rows = stack.collectors.flatMap((c) => outageBudget(c));
    const queue = rows.filter((r) => !r.mechanism.startsWith('prometheus.remote_write'));
    expect(new Set(queue.map((r) => r.restart))).toEqual(new Set(['kept: the queue is on the replica\'s claim']));
    expect(queue.every((r) => r.nodeCrash.startsWith('the last writes may be lost'))).toBe(true);
    const wal = rows.find((r) => r.mechanism.startsWith('prometheus.remote_write'))!;
    expect(wal.restart).toBe('the backlog is lost: the WAL reader resumes from the newest segment');
    expect(rows.find((r) => r.collector === 'alloy-logs')!.whenFull).toContain('tailers wait');
    expect(rows.find((r) => r.collector === 'alloy' && r.signal === 'logs')!.whenFull).toContain('refuses new data');
    // a row names the alerts that exist where they are given
    expect(rows[0].alerts).toBe('AlloyExporterQueueNotDraining after 15m; AlloyExporterQueueFilling at 80 %; TelemetryVolumeNearlyFull at 85 % of the volume');
    expect(outageBudget(stack.alloy, ['AlloyExporterQueueFilling'])[0].alerts).toBe('AlloyExporterQueueFilling at 80 %');
    expect(outageBudget(stack.metricsCollector, [])[0].alerts).toBe('none');
    const synced = new ObservabilityStack(testApp(), 'o', { alloy: { durability: { fsync: true } } });
    expect(outageBudget(synced.alloy)[0].nodeCrash).toBe('kept: every write is fsynced');
  });

  test('docs/outage-budget.md shows the tables of the default stack (npm run docs:outage rewrites them)', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'outage-budget.md'), 'utf-8');
    expect(doc).toContain(`<!-- budget:start -->\n${budgetTable(stack.collectors, stack.prometheus.alerts.map((a) => a.alert))}<!-- budget:end -->`);
    expect(doc).toContain(`<!-- windows:start -->\n${windowsTable(stack)}<!-- windows:end -->`);
  });
});
