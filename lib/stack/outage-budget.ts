/**
 * The outage budget: for a collector's configured volume and queue sizes and a stated ingest
 * rate, how long each backend can be down before data is lost, and what happens then. The
 * numbers are computed from the configuration; docs/outage-budget.md shows them for the
 * default stack, and a test keeps it true.
 */
import { Alloy } from '../workloads/alloy';

/** Ingest rate per collector replica that the budget is stated for. */
export interface IngestRates {
  /** @default 500 */
  readonly spansPerSecond?: number;
  /** @default 1000 */
  readonly logRecordsPerSecond?: number;
  /** @default 10000 */
  readonly samplesPerSecond?: number;
}

/** Loki's out-of-order window: max_chunk_age (4h, set by the Loki construct) / 2. */
const LOKI_OUT_OF_ORDER_SECONDS = 2 * 3600;

/** Bytes one item takes in its queue: the assumptions behind the budget. */
export const ITEM_BYTES = {
  /** A span, OTLP protobuf with typical attributes. */
  span: 1024,
  /** A log record, OTLP protobuf with a 200-character line and its attributes. */
  logRecord: 512,
  /** A sample in the remote-write WAL, series labels amortized. */
  sample: 16,
} as const;

export interface BudgetRow {
  readonly signal: 'traces' | 'logs' | 'metrics';
  readonly backend: string;
  readonly mechanism: string;
  readonly capacityBytes: number;
  readonly bytesPerSecond: number;
  /** Seconds the backend can be down without loss. */
  readonly outageSeconds: number;
  readonly whenFull: string;
  readonly alerts: string;
}

/**
 * The budget of the scraping and log-reading collectors: `alloy-metrics` holds metrics in its
 * WAL, `alloy-logs` holds pod logs and events in its disk queue. Those sources are not OTLP
 * senders that retry: what they read while the queue is full is lost.
 */
export function collectorBudgets(collectors: readonly Alloy[], rates: IngestRates = {}): Array<{ collector: string; rows: BudgetRow[] }> {
  const out: Array<{ collector: string; rows: BudgetRow[] }> = [];
  for (const c of collectors.filter((x) => !x.receivesOtlp)) {
    const names = new Set(c.config.components.map((x) => x.componentName));
    const signals = new Set<string>([
      ...(names.has('prometheus.remote_write') ? ['metrics'] : []),
      ...([...names].some((n) => n.startsWith('loki.source.')) ? ['logs'] : []),
    ]);
    const rows = outageBudget(c, rates).filter((r) => signals.has(r.signal)).map((r) => r.signal !== 'logs' ? r : {
      ...r,
      mechanism: `loki.source.* through otelcol.receiver.loki, then ${r.mechanism}`,
      whenFull: 'refuses new entries; the loki.source.* components do not wait for room, so what they read while the queue is full is lost (the log files on the nodes still hold it until rotated)',
    });
    if (rows.length > 0) out.push({ collector: c.name, rows });
  }
  return out;
}

/** The budget of one collector (per replica: each replica has its own volume and queues). */
export function outageBudget(alloy: Alloy, rates: IngestRates = {}): BudgetRow[] {
  const volumeBytes = alloy.storageBytes;
  const spans = rates.spansPerSecond ?? 500;
  const logs = rates.logRecordsPerSecond ?? 1000;
  const samples = rates.samplesPerSecond ?? 10000;
  const q = alloy.durableQueue;
  const walRoom = volumeBytes - q.queueBytes.traces - q.queueBytes.logs;
  const keepalive = goDurationSeconds(q.metricsWalKeepalive);
  // a truncation drops the oldest two thirds of the WAL's segments, sent or not: an outage is
  // safe for two thirds of the truncation interval, whenever it starts
  const truncateSafe = (goDurationSeconds(q.metricsWalTruncateFrequency) * 2) / 3;
  const metricsRate = samples * ITEM_BYTES.sample;
  // Loki accepts entries up to max_chunk_age / 2 (2h) older than a stream's newest one
  const lokiWindow = LOKI_OUT_OF_ORDER_SECONDS;
  return [
    {
      signal: 'traces',
      backend: 'Tempo',
      mechanism: 'otelcol.exporter.otlp, sending_queue on otelcol.storage.file (bytes), retry_on_failure with no time limit',
      capacityBytes: q.queueBytes.traces,
      bytesPerSecond: spans * ITEM_BYTES.span,
      outageSeconds: q.queueBytes.traces / (spans * ITEM_BYTES.span),
      whenFull: 'refuses new spans: receivers answer with a retryable error, so senders back off and retry (back-pressure); queued spans are kept',
      alerts: 'AlloyExporterSendFailing when the queue has not drained for 10m; AlloyExporterQueueFilling at 80 %; TelemetryVolumeNearlyFull at 85 % of the volume',
    },
    {
      signal: 'logs',
      backend: 'Loki',
      mechanism: 'otelcol.exporter.otlphttp to Loki\'s OTLP endpoint, sending_queue on otelcol.storage.file (bytes), retry_on_failure with no time limit',
      capacityBytes: q.queueBytes.logs,
      bytesPerSecond: logs * ITEM_BYTES.logRecord,
      outageSeconds: Math.min(lokiWindow, q.queueBytes.logs / (logs * ITEM_BYTES.logRecord)),
      whenFull: 'refuses new log records with back-pressure to senders, as for traces; queued records are kept (Loki accepts them up to 2h older than the newest of their stream)',
      alerts: 'AlloyExporterSendFailing when the queue has not drained for 10m; AlloyExporterQueueFilling at 80 %; TelemetryVolumeNearlyFull at 85 %',
    },
    {
      signal: 'metrics',
      backend: 'Prometheus',
      mechanism: `prometheus.remote_write WAL on the volume, truncated every ${q.metricsWalTruncateFrequency}, max_keepalive_time ${q.metricsWalKeepalive}; Prometheus accepts samples up to 3h out of order`,
      capacityBytes: Math.min(walRoom, metricsRate * (keepalive + goDurationSeconds(q.metricsWalTruncateFrequency))),
      bytesPerSecond: metricsRate,
      outageSeconds: Math.min(keepalive, truncateSafe, walRoom / metricsRate),
      whenFull: 'drops the oldest: a WAL truncation removes the oldest segments unsent; an Alloy restart during the outage resumes from the newest segment, losing the backlog',
      alerts: 'AlloyRemoteWriteFailing after 10m; AlloyRemoteWriteBehind when 5 minutes behind; TelemetryVolumeNearlyFull at 85 %; Watchdog stops if Prometheus itself is down',
    },
  ];
}

function goDurationSeconds(d: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  for (const [, n, u] of d.matchAll(/([0-9.]+)(ms|h|m|s)/g)) total += Number(n) * units[u];
  return total;
}

/** `2h 19m`. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : `${m}m`;
}

/** `4.0 GiB`, `500 KiB/s`. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** The budget as a Markdown table. */
export function budgetTable(rows: readonly BudgetRow[]): string {
  const lines = [
    '| signal | backend | how it is queued | room on the volume | ingest | backend may be down | when the room is used up | alerts before that |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.signal} | ${r.backend} | ${r.mechanism} | ${formatSize(r.capacityBytes)} | ${formatSize(r.bytesPerSecond)}/s | **${formatDuration(r.outageSeconds)}** | ${r.whenFull} | ${r.alerts} |`),
  ];
  return lines.join('\n') + '\n';
}

/** The budgets of `collectorBudgets`, each under a heading with its collector's name. */
export function collectorBudgetTables(budgets: ReturnType<typeof collectorBudgets>): string {
  return budgets.map((b) => `### ${b.collector}\n\n${budgetTable(b.rows)}`).join('\n');
}
