/**
 * Sizes from rates: what the stack needs for a stated load (spans, log bytes and active series
 * a second, retention, the backend outage to survive), derived by one set of rules, each from
 * an upstream figure where one is published and from a stated assumption of ours where none is.
 *
 * `planSizing` gives the plan (replicas, CPU, memory, queues, volumes, object storage or a
 * volume, or an external backend where one bundled backend cannot hold the load); the stack
 * applies it under the props given explicitly, which always win (`sizing` on
 * ObservabilityStackProps). docs/sizing.md is this module's table for three reference sizes,
 * written by `npm run docs:sizing` and checked by a test.
 */
import { IngestRates, ITEM_BYTES } from '../pipelines/durable-queue';
import { assertWholeNumber, durationText, parseDuration, parseSize, quantityText } from '../validation';
import type { ObservabilityStackProps } from './observability-stack';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const MB = 1e6;
const GB = 1e9;
const DAY = 86_400;

export interface Sizing {
  /** Spans a second the whole cluster sends to the gateway. */
  readonly spansPerSecond: number;
  /** Pod log bytes a second the cluster writes (read by `alloy-logs`), as a Kubernetes quantity, such as "2Mi". */
  readonly logBytesPerSecond: string;
  /** OTLP log bytes a second sent to the gateway, such as "500Ki". @default - none */
  readonly otlpLogBytesPerSecond?: string;
  /** OTLP metric data points a second sent to the gateway. @default 0 */
  readonly otlpMetricPointsPerSecond?: number;
  /** Active series scraped (pods, kubelets, cAdvisor). */
  readonly activeSeries: number;
  /** How often they are scraped. @default "60s", the stack's scrape interval */
  readonly scrapeInterval?: string;
  /** How long every signal is kept, such as "14d". */
  readonly retention: string;
  /** The backend outage to survive without losing data, such as "2h". */
  readonly outage: string;
}

/** Upstream figures the rules use, each with where it is published. */
export const UPSTREAM = {
  /** Alloy, per 1M active series scraped: 0.4 cores, 11 GiB (alloy v1.18.1 docs/sources/set-up/estimate-resource-usage.md). */
  alloySeries: { perSeries: 1e6, cores: 0.4, memory: 11 * GiB },
  /** Alloy, per 1 MiB/s of logs: 1 core, 120 MiB (the same page). */
  alloyLogs: { perBytesPerSecond: MiB, cores: 1, memory: 120 * MiB },
  /** Tempo distributor: one replica, 2 cores and 2 GB per 10 MB/s (tempo v2.10.8 docs/sources/tempo/set-up-for-tracing/setup-tempo/plan/size.md). */
  tempoDistributor: { perBytesPerSecond: 10 * MB, cores: 2, memory: 2 * GB },
  /** Tempo ingester: one replica per 3-5 MB/s (we take 4), 2.5 cores, 4-20 GB (we take 4 GiB and more with load) (the same page). */
  tempoIngester: { perBytesPerSecond: 4 * MB, cores: 2.5, memory: 4 * GiB },
  /** Loki monolithic: up to about 20 GB a day (loki v3.7.6 docs/sources/get-started/deployment-modes.md:23). */
  lokiMonolithicPerDay: 20 * GB,
  /** Loki simple scalable: close to a TB a day; beyond, microservices (the same page, :45): past it, bring your own Loki. */
  lokiScalablePerDay: 1000 * GB,
  /** Prometheus: 1-2 bytes per sample on disk, we take 2 (prometheus v3.14.0 docs/storage.md:110). */
  prometheusBytesPerSample: 2,
} as const;

/** Our assumptions, where no upstream figure is published: measure yours, and set the props. */
export const ASSUMED = {
  /** A log line, as ITEM_BYTES.logRecord assumes: a record of 512 bytes carries a 200-character line. */
  logLineBytes: 200,
  /** Loki chunks and Tempo blocks compress about 5:1 (snappy/zstd on repetitive text). */
  compression: 5,
  /** Prometheus head and index memory per active series, and a base. */
  prometheusMemoryPerSeries: 8 * KiB,
  /** One Prometheus holds up to this many series; past it, bring your own metrics backend. */
  prometheusMaxSeries: 5e6,
  /** The largest volume one replica of a backend gets; past it, object storage (or, for Prometheus, your own backend). */
  maxVolume: 500 * GiB,
  /** A collector replica gets at most 2 cores and 8 GiB: past them, another replica. */
  replicaCores: 2,
  replicaMemory: 8 * GiB,
  /** Each process's memory before any load. */
  baseMemory: 256 * MiB,
  /** Queues and volumes hold 10 % more than the outage needs; queues fill 80 % of a volume (the disk budget check). */
  margin: 1.1,
  volumeShare: 0.8,
  /** The smallest queue of a signal, so a quiet one still buffers a burst. */
  minQueue: GiB,
  /** Each replica of a backend on object storage keeps its WAL and caches on a volume of this size or more. */
  minBackendVolume: 10 * GiB,
} as const;

export interface CollectorPlan {
  readonly replicas: number;
  /** For the gateway: the autoscaler's bounds (min is `replicas`). */
  readonly maxReplicas?: number;
  /** Per replica. */
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly storageBytes: number;
  /** Queue bytes per replica, per signal (only those the collector queues). */
  readonly queues: { readonly traces?: number; readonly metrics?: number; readonly logs?: number };
  /** The remote-write WAL keepalive, seconds (the metrics collector). */
  readonly walKeepaliveSeconds?: number;
  /** The rates each replica's budget is stated for, at `replicas`. */
  readonly ingestRates: IngestRates;
}

export interface BackendPlan {
  /** `external`: one bundled backend cannot hold the load: bring your own (see `reason`). */
  readonly mode: 'volume' | 'object-storage' | 'external';
  readonly replicas: number;
  readonly cpuCores: number;
  readonly memoryBytes: number;
  /** Per replica. */
  readonly storageBytes: number;
  /** Why this mode, with the figure it follows from. */
  readonly reason: string;
}

export interface SizingPlan {
  readonly gateway: CollectorPlan;
  readonly metricsCollector: CollectorPlan;
  readonly logsCollector: CollectorPlan;
  readonly prometheus: BackendPlan;
  readonly loki: BackendPlan;
  readonly tempo: BackendPlan;
  readonly retentionSeconds: number;
  readonly outageSeconds: number;
}

const roundUp = (v: number, step: number): number => Math.ceil(v / step - 1e-9) * step;
/** CPU to a tenth of a core, memory to 256 MiB, volumes to whole GiB. */
const cores = (v: number): number => Math.round(roundUp(v, 0.1) * 10) / 10;
const memory = (v: number): number => roundUp(v, 256 * MiB);
const volume = (v: number): number => roundUp(v, GiB);

/** The plan for `sizing`; `subject` names the construct path in errors. */
export function planSizing(subject: string, sizing: Sizing): SizingPlan {
  const what = (name: string) => `sizing.${name}`;
  for (const [name, v] of [['spansPerSecond', sizing.spansPerSecond], ['activeSeries', sizing.activeSeries], ['otlpMetricPointsPerSecond', sizing.otlpMetricPointsPerSecond ?? 0]] as const) {
    assertWholeNumber(subject, what(name), v, 0);
  }
  const logBytes = parseSize(subject, what('logBytesPerSecond'), sizing.logBytesPerSecond, 'kubernetes');
  const otlpLogBytes = sizing.otlpLogBytesPerSecond === undefined ? 0 : parseSize(subject, what('otlpLogBytesPerSecond'), sizing.otlpLogBytesPerSecond, 'kubernetes');
  const outage = parseDuration(subject, what('outage'), sizing.outage) / 1e3;
  const retention = parseDuration(subject, what('retention'), sizing.retention) / 1e3;
  const scrape = parseDuration(subject, what('scrapeInterval'), sizing.scrapeInterval ?? '60s') / 1e3;
  if (retention < outage) {
    throw new Error(`${subject}: sizing.retention ${sizing.retention} is shorter than sizing.outage ${sizing.outage}: data replayed after the outage would be deleted on arrival; keep it longer than the outage`);
  }
  const spanBytes = sizing.spansPerSecond * ITEM_BYTES.span;
  const points = sizing.otlpMetricPointsPerSecond ?? 0;
  const samples = sizing.activeSeries / scrape;
  const queueFor = (bytesPerSecond: number) => Math.max(ASSUMED.minQueue, volume(bytesPerSecond * outage * ASSUMED.margin));
  const logQueueBytes = (lineBytes: number) => lineBytes / ASSUMED.logLineBytes * ITEM_BYTES.logRecord;
  // the rate each queue's budget is stated for: the one that fills it in the outage (and its
  // margin). It is the real rate, or more for a queue raised to its minimum: the backends derive
  // their windows from queue / rate, so a quiet signal does not stretch them to days
  const statedRate = (queueBytes: number, itemBytes: number) => Math.max(1, Math.floor(queueBytes / (outage * ASSUMED.margin * itemBytes)));

  // the gateway: OTLP in, like Tempo's distributor for spans, like Alloy's logs figure for logs
  const gwCores = 0.2 + spanBytes / UPSTREAM.tempoDistributor.perBytesPerSecond * UPSTREAM.tempoDistributor.cores + otlpLogBytes / UPSTREAM.alloyLogs.perBytesPerSecond * UPSTREAM.alloyLogs.cores;
  const gwMemory = spanBytes / UPSTREAM.tempoDistributor.perBytesPerSecond * UPSTREAM.tempoDistributor.memory + otlpLogBytes / UPSTREAM.alloyLogs.perBytesPerSecond * UPSTREAM.alloyLogs.memory;
  const gwReplicas = Math.max(2, Math.ceil(gwCores / ASSUMED.replicaCores), Math.ceil(gwMemory / ASSUMED.replicaMemory));
  const gwQueues = {
    traces: queueFor(spanBytes / gwReplicas),
    metrics: queueFor(points / gwReplicas * ITEM_BYTES.metricPoint),
    logs: queueFor(logQueueBytes(otlpLogBytes) / gwReplicas),
  };
  const gateway: CollectorPlan = {
    replicas: gwReplicas,
    maxReplicas: gwReplicas * 2,
    cpuCores: cores(Math.max(0.5, gwCores / gwReplicas)),
    // at least 1 GiB: the memory limiter's spike allowance and a batch per exporter
    memoryBytes: memory(Math.max(GiB, ASSUMED.baseMemory + gwMemory / gwReplicas)),
    storageBytes: volume((gwQueues.traces + gwQueues.metrics + gwQueues.logs) / ASSUMED.volumeShare),
    queues: gwQueues,
    ingestRates: {
      spansPerSecond: statedRate(gwQueues.traces, ITEM_BYTES.span),
      metricPointsPerSecond: statedRate(gwQueues.metrics, ITEM_BYTES.metricPoint),
      logRecordsPerSecond: statedRate(gwQueues.logs, ITEM_BYTES.logRecord),
    },
  };

  // alloy-metrics: Alloy's figure per million series; the WAL keeps the outage
  const seriesShare = sizing.activeSeries / UPSTREAM.alloySeries.perSeries;
  const mReplicas = Math.max(2, Math.ceil(seriesShare * UPSTREAM.alloySeries.memory / ASSUMED.replicaMemory), Math.ceil(seriesShare * UPSTREAM.alloySeries.cores / ASSUMED.replicaCores));
  const walBytes = samples / mReplicas * outage * ITEM_BYTES.sample * ASSUMED.margin;
  const metricsCollector: CollectorPlan = {
    replicas: mReplicas,
    cpuCores: cores(Math.max(0.1, seriesShare * UPSTREAM.alloySeries.cores / mReplicas)),
    memoryBytes: memory(Math.max(512 * MiB, ASSUMED.baseMemory + seriesShare * UPSTREAM.alloySeries.memory / mReplicas)),
    storageBytes: Math.max(5 * GiB, volume(walBytes / ASSUMED.volumeShare)),
    queues: {},
    walKeepaliveSeconds: outage,
    ingestRates: { samplesPerSecond: Math.max(1, Math.ceil(samples / mReplicas)) },
  };

  // alloy-logs: Alloy's figure per MiB/s; its queue holds OTLP records of the lines
  const logShare = logBytes / UPSTREAM.alloyLogs.perBytesPerSecond;
  const lReplicas = Math.max(2, Math.ceil(logShare * UPSTREAM.alloyLogs.cores / ASSUMED.replicaCores));
  const logsQueue = queueFor(logQueueBytes(logBytes) / lReplicas);
  const logsCollector: CollectorPlan = {
    replicas: lReplicas,
    cpuCores: cores(Math.max(0.1, logShare * UPSTREAM.alloyLogs.cores / lReplicas)),
    memoryBytes: memory(Math.max(512 * MiB, ASSUMED.baseMemory + logShare * UPSTREAM.alloyLogs.memory / lReplicas)),
    // the tailers' own queue (events and pod logs, which waits for room) beside the OTLP one
    storageBytes: volume(2 * logsQueue / ASSUMED.volumeShare),
    queues: { logs: logsQueue },
    ingestRates: { logRecordsPerSecond: statedRate(logsQueue, ITEM_BYTES.logRecord) },
  };

  // Prometheus: its disk formula over the retention, the WAL on top of it
  const allSamples = samples + points;
  const promDisk = allSamples * retention * UPSTREAM.prometheusBytesPerSample;
  const promExternal = sizing.activeSeries > ASSUMED.prometheusMaxSeries || promDisk / ASSUMED.volumeShare > ASSUMED.maxVolume;
  const prometheus: BackendPlan = {
    mode: promExternal ? 'external' : 'volume',
    replicas: promExternal ? 0 : 1,
    cpuCores: promExternal ? 0 : cores(Math.max(0.5, seriesShare)),
    memoryBytes: promExternal ? 0 : memory(GiB + sizing.activeSeries * ASSUMED.prometheusMemoryPerSeries),
    storageBytes: promExternal ? 0 : Math.max(5 * GiB, volume(promDisk / ASSUMED.volumeShare)),
    reason: promExternal
      ? `${fmtCount(sizing.activeSeries)} active series, ${fmtBytes(promDisk)} over ${durationText(retention)}: more than one Prometheus holds ` +
        `(${fmtCount(ASSUMED.prometheusMaxSeries)} series, a ${fmtGiB(ASSUMED.maxVolume)} volume: our assumptions): bring your own metrics backend (external.metrics)`
      : `${fmtCount(allSamples)} samples/s × ${durationText(retention)} × ${UPSTREAM.prometheusBytesPerSample} B (Prometheus's storage formula), in ${ASSUMED.volumeShare * 100} % of the volume`,
  };

  // Loki: one monolithic replica up to its published daily volume, then object storage
  const perDay = logBytes * DAY + otlpLogBytes * DAY;
  const loki = scaleOut({
    perSecond: perDay / DAY, retention, compression: ASSUMED.compression,
    external: perDay > UPSTREAM.lokiScalablePerDay,
    replicas: perDay <= UPSTREAM.lokiMonolithicPerDay ? 1 : Math.max(3, Math.ceil(perDay / UPSTREAM.lokiMonolithicPerDay)),
    why: `${fmtBytes(perDay)}/day of logs`,
    limit: perDay <= UPSTREAM.lokiMonolithicPerDay
      ? `within one monolithic Loki's ${fmtBytes(UPSTREAM.lokiMonolithicPerDay)}/day`
      : perDay > UPSTREAM.lokiScalablePerDay
        ? `past the ${fmtBytes(UPSTREAM.lokiScalablePerDay)}/day Loki's scalable modes are published for: bring your own Loki (external.logs)`
        : `past one monolithic Loki's ${fmtBytes(UPSTREAM.lokiMonolithicPerDay)}/day: replicas share it on object storage`,
    cpuPerReplica: 1,
    memoryPerReplica: 2 * GiB,
  });

  // Tempo: one ingester per 4 MB/s of what it receives (the replication factor of 3 included)
  const tempoIngest = spanBytes;
  const tempoReplicas = tempoIngest <= UPSTREAM.tempoIngester.perBytesPerSecond ? 1 : Math.max(3, Math.ceil(3 * tempoIngest / UPSTREAM.tempoIngester.perBytesPerSecond));
  const tempo = scaleOut({
    perSecond: tempoIngest, retention, compression: ASSUMED.compression,
    external: false,
    replicas: tempoReplicas,
    why: `${fmtBytes(tempoIngest)}/s of spans`,
    limit: tempoReplicas === 1
      ? `within one Tempo ingester's ${fmtBytes(UPSTREAM.tempoIngester.perBytesPerSecond)}/s`
      : `past one Tempo ingester's ${fmtBytes(UPSTREAM.tempoIngester.perBytesPerSecond)}/s: replicas share it, three copies of each span, on object storage`,
    cpuPerReplica: UPSTREAM.tempoIngester.cores,
    memoryPerReplica: UPSTREAM.tempoIngester.memory,
  });

  return { gateway, metricsCollector, logsCollector, prometheus, loki, tempo, retentionSeconds: retention, outageSeconds: outage };
}

/** A log or trace backend: one replica on its volume, replicas on object storage, or external. */
function scaleOut(o: {
  perSecond: number; retention: number; compression: number; external: boolean; replicas: number;
  why: string; limit: string; cpuPerReplica: number; memoryPerReplica: number;
}): BackendPlan {
  if (o.external) return { mode: 'external', replicas: 0, cpuCores: 0, memoryBytes: 0, storageBytes: 0, reason: `${o.why}: ${o.limit}` };
  const stored = o.perSecond * o.retention / o.compression;
  if (o.replicas === 1 && stored / ASSUMED.volumeShare <= ASSUMED.maxVolume) {
    return {
      mode: 'volume', replicas: 1, cpuCores: cores(Math.max(0.5, o.cpuPerReplica / 2)), memoryBytes: memory(o.memoryPerReplica / 2),
      storageBytes: Math.max(5 * GiB, volume(stored / ASSUMED.volumeShare)),
      reason: `${o.why}, ${durationText(o.retention)} kept at ${o.compression}:1 (${fmtBytes(stored)}): ${o.limit}`,
    };
  }
  const limit = o.replicas === 1 ? `${o.limit}, but ${fmtBytes(stored)} kept is more than a ${fmtGiB(ASSUMED.maxVolume)} volume: on object storage` : o.limit;
  // each replica's volume keeps its WAL: six hours of its share, with each copy it holds
  const copies = Math.min(3, o.replicas);
  return {
    mode: 'object-storage', replicas: o.replicas, cpuCores: o.cpuPerReplica, memoryBytes: memory(o.memoryPerReplica),
    storageBytes: Math.max(ASSUMED.minBackendVolume, volume(copies * o.perSecond / o.replicas * 6 * 3600 / ASSUMED.volumeShare)),
    reason: `${o.why}: ${limit}`,
  };
}

function fmtCount(n: number): string {
  return n >= 1e6 ? `${+(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${+(n / 1e3).toFixed(1)}k` : `${+n.toFixed(1)}`;
}

/** Binary sizes, for volumes: "500 GiB". */
function fmtGiB(n: number): string {
  return n >= GiB ? `${+(n / GiB).toFixed(1)} GiB` : `${+(n / MiB).toFixed(1)} MiB`;
}

/** Decimal sizes, for rates and data (upstream figures are in MB and GB). */
function fmtBytes(n: number): string {
  return n >= GB ? `${+(n / GB).toFixed(1)} GB` : n >= MB ? `${+(n / MB).toFixed(1)} MB` : `${+(n / 1e3).toFixed(1)} kB`;
}


/**
 * Three reference loads: docs/sizing.md shows what each derives, and the `large` environment of
 * this repository is built from the last.
 */
export const REFERENCE_SIZES: Readonly<Record<'small' | 'medium' | 'large', Sizing>> = {
  /** A first cluster: everything on volumes, one replica of each backend. */
  small: { spansPerSecond: 200, logBytesPerSecond: '200Ki', activeSeries: 100_000, retention: '7d', outage: '2h' },
  /** Loki past one replica's daily volume, Tempo's two weeks past one volume: object storage. */
  medium: { spansPerSecond: 2000, logBytesPerSecond: '500Ki', otlpMetricPointsPerSecond: 5000, activeSeries: 1_000_000, retention: '14d', outage: '4h' },
  /** Past one Prometheus: your own metrics backend; Loki and Tempo scaled out on object storage. */
  large: {
    spansPerSecond: 10_000, logBytesPerSecond: '1Mi', otlpLogBytesPerSecond: '256Ki', otlpMetricPointsPerSecond: 20_000,
    activeSeries: 8_000_000, retention: '30d', outage: '6h',
  },
};

/** A plan's CPU and memory as requests and limits: a limit of twice the CPU, memory as requested. */
function resourcesOf(plan: { cpuCores: number; memoryBytes: number }) {
  const mem = quantityText(plan.memoryBytes);
  return {
    requests: { cpu: cpuText(plan.cpuCores), memory: mem },
    limits: { cpu: cpuText(Math.max(1, plan.cpuCores * 2)), memory: mem },
  };
}

function cpuText(c: number): string {
  return Number.isInteger(c) ? String(c) : `${Math.round(c * 1000)}m`;
}

/**
 * Explicit props over derived ones: objects merge key by key, any other value given explicitly
 * replaces the derived one.
 */
function over<T>(derived: T, explicit: T | undefined): T {
  if (explicit === undefined) return derived;
  if (typeof derived !== 'object' || derived === null || Array.isArray(derived) || typeof explicit !== 'object' || explicit === null || Array.isArray(explicit)) return explicit;
  const out: Record<string, unknown> = { ...(derived as Record<string, unknown>) };
  for (const [k, v] of Object.entries(explicit as Record<string, unknown>)) out[k] = over(out[k], v);
  return out as T;
}

/**
 * The stack's props with `props.sizing` applied: each derived value where the props give none.
 * A plan that needs what only the user can give (a bucket, an external backend) fails here,
 * with the figure it follows from; a derived value that does not fit an explicit one (a queue
 * larger than an explicit volume) fails in the stack's own checks.
 */
export function applySizing(subject: string, props: ObservabilityStackProps): ObservabilityStackProps {
  if (props.sizing === undefined) return props;
  const plan = planSizing(subject, props.sizing);
  const need = (what: string, reason: string, fix: string) =>
    new Error(`${subject}: sizing needs ${what} (${reason}); ${fix}, or set the props yourself`);
  const retention = durationText(plan.retentionSeconds);
  // the WAL keeps the outage; a truncation drops the oldest segments, sent or not, so truncating
  // every 1.5 outages keeps an outage safe whenever it starts (see outageBudget: two thirds)
  const walSettings = { metricsWalKeepalive: durationText(plan.outageSeconds), metricsWalTruncateFrequency: durationText(plan.outageSeconds * 1.5) };
  const g = plan.gateway;
  const gateway = {
    // an explicit replica count replaces the autoscaler
    ...(props.alloy?.replicas === undefined ? { autoscaling: { minReplicas: g.replicas, maxReplicas: g.maxReplicas! } } : {}),
    storageSize: quantityText(g.storageBytes),
    resources: resourcesOf(g),
    durability: {
      tracesQueueSize: quantityText(g.queues.traces!), metricsQueueSize: quantityText(g.queues.metrics!), logsQueueSize: quantityText(g.queues.logs!),
      // its metrics go by remote write when they go to an external backend without OTLP
      ...walSettings,
      ingestRates: { ...g.ingestRates, samplesPerSecond: Math.max(1, g.ingestRates.metricPointsPerSecond!) },
    },
  };
  const m = plan.metricsCollector;
  const l = plan.logsCollector;
  const collector = (c: CollectorPlan, durability: object) => ({ replicas: c.replicas, storageSize: quantityText(c.storageBytes), resources: resourcesOf(c), durability });
  const derived: ObservabilityStackProps = {
    alloy: gateway,
    ...(props.metricsCollector === false ? {} : { metricsCollector: collector(m, { ...walSettings, ingestRates: m.ingestRates }) }),
    ...(props.logsCollector === false ? {} : { logsCollector: collector(l, { logsQueueSize: quantityText(l.queues.logs!), ingestRates: l.ingestRates }) }),
  };
  const backends: Record<string, unknown> = {};
  const p = plan.prometheus;
  if (p.mode === 'external') {
    if (props.external?.metrics === undefined) throw need('an external metrics backend', p.reason, 'pass external.metrics');
  } else if (props.external?.metrics === undefined) {
    backends.prometheus = { retention, storageSize: quantityText(p.storageBytes), retentionSize: `${Math.floor(p.storageBytes * ASSUMED.volumeShare / GiB)}GB`, resources: resourcesOf(p) };
  }
  for (const [name, b, external, signal] of [['loki', plan.loki, props.external?.logs, 'logs'], ['tempo', plan.tempo, props.external?.traces, 'traces']] as const) {
    if (external !== undefined) continue;
    if (b.mode === 'external') throw need(`an external ${signal} backend`, b.reason, `pass external.${signal}`);
    if (b.mode === 'object-storage' && props[name]?.objectStorage === undefined) throw need(`object storage for ${name}`, b.reason, `give ${name}.objectStorage (a bucket and its credentials' Secret)`);
    backends[name] = { retention, replicas: b.replicas, storageSize: quantityText(b.storageBytes), resources: resourcesOf(b) };
  }
  return over({ ...derived, ...backends } as ObservabilityStackProps, props);
}
