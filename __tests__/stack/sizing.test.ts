import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { dump, load, loadAll } from 'js-yaml';
import { ObservabilityStack, ObservabilityStackProps } from '../../lib';
import { ITEM_BYTES } from '../../lib/pipelines/durable-queue';
import { referenceProps, sizingDocTable, survival } from '../../lib/stack/sizing-doc';
import { backendSchema, configProblems } from '../support/backend-schema';
import { haveTool } from '../support/tools';
import { ASSUMED, REFERENCE_SIZES, Sizing, UPSTREAM, planSizing } from '../../lib/stack/sizing';

const GiB = 2 ** 30;
const base: Sizing = { spansPerSecond: 200, logBytesPerSecond: '200Ki', activeSeries: 100_000, retention: '7d', outage: '2h' };
const plan = (s: Partial<Sizing>) => planSizing('test', { ...base, ...s });

describe('planSizing: the rules', () => {
  test('each queue holds the outage at the rate its replica\'s budget is stated for, so the backends derive windows from the same numbers', () => {
    for (const s of [base, { ...base, spansPerSecond: 20_000, otlpMetricPointsPerSecond: 30_000, otlpLogBytesPerSecond: '3Mi', logBytesPerSecond: '8Mi', outage: '5h' }]) {
      const p = planSizing('test', s);
      const outage = p.outageSeconds;
      const g = p.gateway;
      expect(g.queues.traces! / (g.ingestRates.spansPerSecond! * ITEM_BYTES.span)).toBeGreaterThanOrEqual(outage);
      expect(g.queues.metrics! / (g.ingestRates.metricPointsPerSecond! * ITEM_BYTES.metricPoint)).toBeGreaterThanOrEqual(outage);
      expect(g.queues.logs! / (g.ingestRates.logRecordsPerSecond! * ITEM_BYTES.logRecord)).toBeGreaterThanOrEqual(outage);
      const l = p.logsCollector;
      expect(l.queues.logs! / (l.ingestRates.logRecordsPerSecond! * ITEM_BYTES.logRecord)).toBeGreaterThanOrEqual(outage);
      expect(p.metricsCollector.walKeepaliveSeconds).toBe(outage);
      // the rates stated are the whole load shared by the replicas
      expect(g.ingestRates.spansPerSecond! * g.replicas).toBeGreaterThanOrEqual(s.spansPerSecond);
      // queues take at most 80 % of the volume, as the collectors' disk budget check demands
      expect(g.queues.traces! + g.queues.metrics! + g.queues.logs!).toBeLessThanOrEqual(g.storageBytes * 0.8);
      expect(2 * l.queues.logs!).toBeLessThanOrEqual(l.storageBytes * 0.8);
      const walBytes = p.metricsCollector.ingestRates.samplesPerSecond! * outage * ITEM_BYTES.sample;
      expect(walBytes).toBeLessThanOrEqual(p.metricsCollector.storageBytes * 0.8);
    }
  });

  test('Loki: one replica on its volume up to the monolithic 20 GB/day, object storage past it, your own Loki past 1 TB/day', () => {
    const perSecond = (perDay: number) => `${Math.floor(perDay / 86_400)}`;
    expect(plan({ logBytesPerSecond: perSecond(UPSTREAM.lokiMonolithicPerDay) }).loki).toMatchObject({ mode: 'volume', replicas: 1 });
    expect(plan({ logBytesPerSecond: perSecond(UPSTREAM.lokiMonolithicPerDay + 86_400 * 100) }).loki).toMatchObject({ mode: 'object-storage', replicas: 3 });
    expect(plan({ logBytesPerSecond: perSecond(10 * UPSTREAM.lokiMonolithicPerDay) }).loki).toMatchObject({ mode: 'object-storage', replicas: 10 });
    const past = plan({ logBytesPerSecond: perSecond(UPSTREAM.lokiScalablePerDay + 86_400 * 100) }).loki;
    expect(past.mode).toBe('external');
    expect(past.reason).toContain('bring your own Loki (external.logs)');
  });

  test('Tempo: one replica up to one ingester\'s 4 MB/s, then three copies of each span over enough replicas; a volume too large for one disk goes to object storage', () => {
    expect(plan({}).tempo).toMatchObject({ mode: 'volume', replicas: 1 });
    const at = (spans: number) => plan({ spansPerSecond: spans, retention: '3d' }).tempo;
    expect(at(Math.floor(UPSTREAM.tempoIngester.perBytesPerSecond / ITEM_BYTES.span))).toMatchObject({ mode: 'volume', replicas: 1 });
    expect(at(10_000)).toMatchObject({ mode: 'object-storage', replicas: Math.ceil(3 * 10_000 * ITEM_BYTES.span / UPSTREAM.tempoIngester.perBytesPerSecond) });
    const long = plan({ spansPerSecond: 2000, retention: '30d' }).tempo;
    expect(long).toMatchObject({ mode: 'object-storage', replicas: 1 });
    expect(long.reason).toContain('is more than a 500 GiB volume: on object storage');
  });

  test('Prometheus: its storage formula on one volume; past 5M series or a 500 GiB volume, your own metrics backend', () => {
    const p = plan({ activeSeries: 1_000_000, retention: '14d' }).prometheus;
    const samples = 1_000_000 / 60;
    expect(p.mode).toBe('volume');
    expect(p.storageBytes).toBe(Math.ceil(samples * 14 * 86_400 * UPSTREAM.prometheusBytesPerSample / ASSUMED.volumeShare / GiB) * GiB);
    expect(plan({ activeSeries: 6_000_000 }).prometheus).toMatchObject({ mode: 'external', replicas: 0 });
    expect(plan({ activeSeries: 4_000_000, retention: '90d' }).prometheus.mode).toBe('external');
  });

  test('collectors: at least two replicas each; more as Alloy\'s published figures need more than 2 cores or 8 GiB a replica', () => {
    expect(plan({}).metricsCollector.replicas).toBe(2);
    // 11 GiB per million series
    expect(plan({ activeSeries: 4_000_000 }).metricsCollector.replicas).toBe(Math.ceil(4 * 11 / 8));
    // 1 core per MiB/s
    expect(plan({ logBytesPerSecond: '10Mi' }).logsCollector.replicas).toBe(5);
    const gw = plan({ spansPerSecond: 50_000 }).gateway;
    expect(gw.replicas).toBeGreaterThan(2);
    expect(gw.maxReplicas).toBe(gw.replicas * 2);
  });

  test('bad input says what, the value and the fix', () => {
    expect(() => plan({ outage: '6h', retention: '2h' })).toThrow('test: sizing.retention 2h is shorter than sizing.outage 6h');
    expect(() => plan({ spansPerSecond: 1.5 })).toThrow('test: sizing.spansPerSecond must be a whole number of at least 0 (got 1.5)');
    expect(() => plan({ logBytesPerSecond: '2MiB' })).toThrow('test: invalid sizing.logBytesPerSecond (got "2MiB"); write a positive size such as "10Gi" or "500Mi"');
    expect(() => plan({ outage: '2 hours' })).toThrow('test: invalid sizing.outage (got "2 hours")');
  });
});

test('the reference sizes show each mode: small on volumes, medium on object storage, large past one Prometheus', () => {
  const modes = (s: Sizing) => { const p = planSizing('test', s); return [p.prometheus.mode, p.loki.mode, p.tempo.mode, p.loki.replicas, p.tempo.replicas]; };
  expect(modes(REFERENCE_SIZES.small)).toEqual(['volume', 'volume', 'volume', 1, 1]);
  expect(modes(REFERENCE_SIZES.medium)).toEqual(['volume', 'object-storage', 'object-storage', 3, 1]);
  expect(modes(REFERENCE_SIZES.large)).toEqual(['external', 'object-storage', 'object-storage', 6, 8]);
});

describe('the stack sized from rates', () => {
  const stackOf = (props: ObservabilityStackProps) => {
    const stack = new ObservabilityStack(Testing.app(), 'observability', props);
    stack.toJson();
    return stack;
  };
  const built = (Object.keys(REFERENCE_SIZES) as Array<keyof typeof REFERENCE_SIZES>).map((name) => ({ name, stack: stackOf(referenceProps(name)) }));

  test('every reference size synthesizes, and each signal survives the outage it was sized for (its outage budget, the backends\' windows accept it)', () => {
    for (const { name, stack } of built) {
      const outage = planSizing(name, REFERENCE_SIZES[name]).outageSeconds;
      const lasts = survival(stack.collectors);
      expect({ name, ...lasts }).toEqual({ name, traces: expect.any(Number), logs: expect.any(Number), metrics: expect.any(Number) });
      for (const [signal, seconds] of Object.entries(lasts)) expect({ name, signal, survives: seconds >= outage }).toEqual({ name, signal, survives: true });
    }
  });

  test('docs/sizing.md shows what this code derives (npm run docs:sizing)', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'sizing.md'), 'utf-8');
    expect(doc).toContain(`<!-- sizing:start -->\n${sizingDocTable()}<!-- sizing:end -->`);
  });

  test('derived values: the gateway autoscaled with its queues, the collectors\' WAL kept for the outage, Loki scaled out on its bucket', () => {
    const medium = built[1].stack;
    const plan = planSizing('medium', REFERENCE_SIZES.medium);
    const hpa = medium.toJson().find((m: any) => m.kind === 'HorizontalPodAutoscaler' && m.metadata.name === 'alloy');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([plan.gateway.replicas, plan.gateway.maxReplicas]);
    const queue = medium.alloy.durableQueue;
    expect(queue.allocations.find((a) => a.signal === 'traces')!.bytes).toBe(plan.gateway.queues.traces);
    expect(medium.metricsCollector.durableQueue.walKeepaliveSeconds).toBe(4 * 3600);
    const loki = medium.toJson().find((m: any) => m.kind === 'StatefulSet' && m.metadata.name === 'loki');
    expect(loki.spec.replicas).toBe(3);
  });

  test('props given win over derived ones; a derived queue that does not fit an explicit volume fails synth', () => {
    const props = referenceProps('medium');
    const fixed = stackOf({ ...props, alloy: { replicas: 3 } });
    expect(fixed.toJson().filter((m: any) => m.kind === 'HorizontalPodAutoscaler' && m.metadata.name === 'alloy')).toEqual([]);
    expect(fixed.toJson().find((m: any) => m.kind === 'StatefulSet' && m.metadata.name === 'alloy').spec.replicas).toBe(3);
    expect(() => stackOf({ ...props, alloy: { storageSize: '10Gi' } })).toThrow(/observability\/alloy: the on-disk queues .* take more than 80 % of the 10Gi volume/);
  });

  test('a plan that needs what only the user gives fails with the figure it follows from', () => {
    expect(() => stackOf({ sizing: REFERENCE_SIZES.medium })).toThrow(
      /^observability: sizing needs object storage for loki \(44\.2 GB\/day of logs: past one monolithic Loki's 20 GB\/day: replicas share it on object storage\); give loki\.objectStorage/,
    );
    const { external: _none, ...noMimir } = referenceProps('large');
    expect(() => stackOf(noMimir)).toThrow(/^observability: sizing needs an external metrics backend \(8M active series.*\); pass external\.metrics, or set the props yourself$/);
  });
});

describe('dist/large, the large environment', () => {
  const dir = path.join(__dirname, '..', '..', 'dist', 'large');
  const manifests = (loadAll(fs.readFileSync(path.join(dir, 'observability.k8s.yaml'), 'utf-8')) as any[]).filter(Boolean);
  const configMap = (name: string) => manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === name);

  test('Loki and Tempo scaled out on object storage, no Prometheus (metrics in Mimir), an autoscaled gateway', () => {
    const sts = (name: string) => manifests.find((m) => m.kind === 'StatefulSet' && m.metadata.name === name);
    expect(sts('loki').spec.replicas).toBeGreaterThanOrEqual(3);
    expect(sts('tempo').spec.replicas).toBeGreaterThanOrEqual(3);
    expect(manifests.filter((m) => m.metadata.name === 'prometheus')).toEqual([]);
    expect(manifests.find((m) => m.kind === 'HorizontalPodAutoscaler' && m.metadata.name === 'alloy')).toBeDefined();
    expect(sts('alloy').spec.replicas).toBeUndefined();
  });

  test('its Loki and Tempo configs pass the key trees of Loki 3.7.6 and Tempo 2.10.8, unknown keys rejected', () => {
    const loki = load(Object.values(configMap('loki-config').data)[0] as string);
    const tempo = load(Object.values(configMap('tempo-config').data)[0] as string);
    expect(configProblems(loki, backendSchema('loki-3.7.6'))).toEqual([]);
    expect(configProblems(tempo, backendSchema('tempo-2.10.8'))).toEqual([]);
    expect((tempo as any).storage.trace.backend).toBe('s3');
    expect((loki as any).common.storage.s3.bucketnames).toBe('loki');
  });

  (haveTool('promtool') ? test : test.skip)('promtool check rules accepts the rules it renders for Mimir\'s ruler', () => {
    const file = path.join(dir, 'rules', 'observability-large.yaml');
    const groups = { groups: (load(fs.readFileSync(file, 'utf-8')) as any).groups };
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-rules-')), 'rules.yaml');
    fs.writeFileSync(tmp, dump(groups));
    const r = spawnSync('promtool', ['check', 'rules', tmp], { encoding: 'utf-8' });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });
});
