import { ITEM_BYTES } from '../../lib/pipelines/durable-queue';
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
