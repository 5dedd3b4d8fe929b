/**
 * The outage budget: for each collector's queues (and remote-write WAL), the volume, the
 * queue sizes and the ingest rate the budget is stated for (DurableQueue), how long a backend
 * can be down before data is lost, and what survives an Alloy restart, a node crash, a full
 * queue and the removal of a replica (scaling in, by hand or by the autoscaler). The backends
 * derive their acceptance windows from the same numbers (BacklogSenders), so the budget never
 * promises more than a backend accepts.
 * docs/outage-budget.md shows it for the default stack; a test keeps it true.
 */
import { BacklogSenders, ITEM_BYTES, QueueAllocation } from '../pipelines';
import { durationText, parseDuration } from '../validation';
import { Alloy } from '../workloads/alloy';
import { Loki } from '../workloads/loki';
import { Prometheus } from '../workloads/prometheus';
import { Tempo } from '../workloads/tempo';

export interface BudgetRow {
  /** The collector's name. */
  readonly collector: string;
  readonly signal: 'traces' | 'logs' | 'metrics';
  /** The backend's host, from the exporter's endpoint. */
  readonly backend: string;
  readonly mechanism: string;
  readonly capacityBytes: number;
  /** Bytes per second at the stated ingest rate. */
  readonly bytesPerSecond: number;
  /** Seconds the backend can be down without loss, per replica. */
  readonly outageSeconds: number;
  /** What an Alloy restart (or rescheduling) during the outage does to the backlog. */
  readonly restart: string;
  /** What a crash of the node does to it. */
  readonly nodeCrash: string;
  /**
   * What removing a replica (scaling in) does to that replica's backlog, and exactly when it is
   * sent: a queue stays on the replica's retained claim until that replica runs again.
   */
  readonly scaledIn: string;
  readonly whenFull: string;
  readonly alerts: string;
}

/** The alerts that fire before a queue's room is used up, as the rules in telemetry-alerts.ts define them. */
const QUEUE_ALERTS: ReadonlyArray<readonly [string, string]> = [
  ['AlloyExporterQueueNotDraining', 'after 15m'], ['AlloyExporterQueueFilling', 'at 80 %'], ['TelemetryVolumeNearlyFull', 'at 85 % of the volume'],
];
const WAL_ALERTS: ReadonlyArray<readonly [string, string]> = [
  ['AlloyRemoteWriteFailing', 'after 10m'], ['AlloyRemoteWriteBehind', 'when 5m behind'], ['TelemetryVolumeNearlyFull', 'at 85 % of the volume'],
];

/** The alerts of `list` that exist (all, when `present` is not given), as "Name when; ...". */
function alertText(list: ReadonlyArray<readonly [string, string]>, present: readonly string[] | undefined): string {
  const kept = list.filter(([name]) => present === undefined || present.includes(name));
  return kept.length === 0 ? 'none' : kept.map(([name, when]) => `${name} ${when}`).join('; ');
}

/**
 * The budget of one collector, per replica (each replica has its own volume and queues). With
 * `alerts` (the names of the alerts Prometheus has), a row names only alerts that exist.
 */
export function outageBudget(alloy: Alloy, alerts?: readonly string[]): BudgetRow[] {
  const q = alloy.durableQueue;
  const rows: BudgetRow[] = q.allocations.map((a) => queueRow(alloy, a, alerts));
  const wal = alloy.config.components.find((c) => c.componentName === 'prometheus.remote_write');
  if (wal !== undefined) {
    const rate = q.ingestRates.samplesPerSecond * ITEM_BYTES.sample;
    const walRoom = alloy.storageBytes - q.allocatedBytes;
    const keepalive = q.walKeepaliveSeconds;
    const truncateEvery = parseDuration(q.node.path, 'metricsWalTruncateFrequency', q.metricsWalTruncateFrequency) / 1000;
    // a truncation drops the oldest two thirds of the WAL's segments, sent or not: an outage is
    // safe for two thirds of the truncation interval, whenever it starts
    const truncateSafe = (truncateEvery * 2) / 3;
    rows.push({
      collector: alloy.name,
      signal: 'metrics',
      backend: hostOf(wal.toStatement().body),
      mechanism: `prometheus.remote_write WAL on the volume, truncated every ${q.metricsWalTruncateFrequency}, max_keepalive_time ${q.metricsWalKeepalive}`,
      capacityBytes: Math.min(walRoom, rate * (keepalive + truncateEvery)),
      bytesPerSecond: rate,
      outageSeconds: Math.min(keepalive, truncateSafe, walRoom / rate),
      restart: 'the backlog is lost: the WAL reader resumes from the newest segment',
      nodeCrash: 'the backlog is lost, as on a restart',
      scaledIn: alloy.controller === 'DaemonSet'
        ? 'no replica is removed (one pod per node); a node leaving takes its emptyDir and backlog with it'
        : 'the backlog is lost beyond what remote write sends in the minute it flushes at shutdown; the WAL left on the claim is not replayed when the replica runs again',
      whenFull: 'drops the oldest: a truncation removes the oldest segments unsent',
      alerts: alertText(WAL_ALERTS, alerts),
    });
  }
  return rows;
}

function queueRow(alloy: Alloy, a: QueueAllocation, alerts: readonly string[] | undefined): BudgetRow {
  const q = alloy.durableQueue;
  const exporter = alloy.config.components.find((c) => c.componentId === a.exporter);
  return {
    collector: alloy.name,
    signal: a.signal,
    backend: exporter === undefined ? a.exporter : hostOf(exporter.toStatement().body),
    mechanism: `${a.exporter}: sending_queue on otelcol.storage.file (${a.waitForRoom ? 'waits for room' : 'refuses when full'}), retried without a time limit`,
    capacityBytes: a.bytes,
    bytesPerSecond: q.bytesPerSecond(a.signal),
    outageSeconds: q.backlogSeconds(a.signal),
    restart: 'kept: the queue is on the replica\'s claim',
    nodeCrash: q.fsync
      ? 'kept: every write is fsynced'
      : 'the last writes may be lost, or the queue file left unreadable (no fsync); see "Node crashes"',
    scaledIn: queueScaledIn(alloy),
    whenFull: a.waitForRoom
      ? 'the loki.source.* tailers wait and stop reading; the nodes\' log files keep the lines until the kubelet rotates them'
      : 'refuses new data with a retryable error: senders back off and retry; what is queued is kept',
    alerts: alertText(QUEUE_ALERTS, alerts),
  };
}

/**
 * Where a removed replica's disk queue goes, and exactly when it is sent. The persistent queue
 * is not drained at shutdown: once stopped it reads nothing more and leaves its items in the
 * storage (exporterhelper persistent_queue.go@v0.153.0), which only a process opening the same
 * directory with the same exporter resumes. StatefulSet claims are retained when it scales in
 * (`whenScaled: Retain`), and the highest ordinals go first, so replica n's queue waits on its
 * claim until the StatefulSet runs more than n replicas again.
 */
function queueScaledIn(alloy: Alloy): string {
  const name = alloy.name;
  if (alloy.controller === 'DaemonSet') {
    return 'no replica is removed (one pod per node); a node leaving takes its emptyDir and queue with it';
  }
  const removable = alloy.maxReplicas > alloy.minReplicas
    ? `the autoscaler may remove ${name}-${alloy.minReplicas}${alloy.maxReplicas - alloy.minReplicas > 1 ? ` to ${name}-${alloy.maxReplicas - 1}` : ''}, highest first; raise minReplicas to bring one back by hand`
    : 'only scaling in by hand removes one';
  return `kept, not sent: ${name}-<n>'s queue waits on its retained claim data-${name}-<n> and is sent when ${name}-<n> runs again, ` +
    `once the StatefulSet has more than n replicas (${removable}); a backend takes it only within its window ("What the backends accept of a backlog")`;
}

/** The host an exporter sends to: the `endpoint` or `url` of its client or endpoint block. */
function hostOf(body: readonly import('../alloy').Statement[]): string {
  for (const s of body) {
    if (s.kind === 'attribute' && (s.name === 'endpoint' || s.name === 'url') && typeof s.value === 'string') {
      return s.value.replace(/^[a-z]+:\/\//, '').replace(/[:/].*$/, '');
    }
    if (s.kind === 'block') {
      const inner = hostOf(s.body);
      if (inner !== '') return inner;
    }
  }
  return '';
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

/** The budgets of `collectors` as one Markdown table (naming only `alerts` that exist, when given). */
export function budgetTable(collectors: readonly Alloy[], alerts?: readonly string[]): string {
  const lines = [
    '| collector | signal | to | how it is held | room | ingest | backend may be down | Alloy restarts during the outage | node crashes | when the room is used up | alerts before that |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...collectors.flatMap((c) => outageBudget(c, alerts)).map((r) => `| ${r.collector} | ${r.signal} | ${r.backend} | ${r.mechanism} | ${formatSize(r.capacityBytes)} | ` +
      `${formatSize(r.bytesPerSecond)}/s | **${formatDuration(r.outageSeconds)}** | ${r.restart} | ${r.nodeCrash} | ${r.whenFull} | ${r.alerts} |`),
  ];
  return lines.join('\n') + '\n';
}

/** The stack docs/outage-budget.md shows scaling in for: the gateway autoscaled from 2 to 10 replicas. */
export const SCALE_IN_EXAMPLE = { alloy: { autoscaling: { minReplicas: 2, maxReplicas: 10 } } } as const;

/**
 * What removing a replica does to each backlog of `collectors`, and when a stranded queue is
 * sent: one row per collector and signal, with the replicas that may be removed.
 */
export function scaleInTable(collectors: readonly Alloy[]): string {
  const replicas = (c: Alloy) => c.controller === 'DaemonSet'
    ? 'one per node'
    : c.maxReplicas > c.minReplicas ? `${c.minReplicas} to ${c.maxReplicas}, autoscaled` : `${c.minReplicas}, fixed`;
  const lines = [
    '| collector | replicas | signal | how it is held | a replica is removed (scaling in) |',
    '| --- | --- | --- | --- | --- |',
    ...collectors.flatMap((c) => outageBudget(c).map((r) => `| ${r.collector} | ${replicas(c)} | ${r.signal} | ${r.mechanism} | ${r.scaledIn} |`)),
  ];
  return lines.join('\n') + '\n';
}

/** What the backends accept of a replayed backlog, derived from the collectors that send to them. */
export function windowsTable(backends: { readonly tempo: Tempo; readonly loki: Loki; readonly prometheus: Prometheus }): string {
  const row = (backend: string, setting: string, seconds: number, senders: BacklogSenders) => {
    const longest = senders.longest();
    const from = longest === undefined ? 'no sender holds a backlog' : `${longest.from}: ${longest.because} (${durationText(longest.seconds)}, and the margin)`;
    return `| ${backend} | ${setting} | ${durationText(seconds)} | ${from} |`;
  };
  return [
    '| backend | accepts a backlog through | window | derived from the oldest backlog of |',
    '| --- | --- | --- | --- |',
    row('Tempo', '`storage.trace.wal.ingestion_time_range_slack`, `metrics_generator.metrics_ingestion_time_range_slack` (and `query_frontend.search.query_ingesters_until`)', backends.tempo.lateSpanWindowSeconds, backends.tempo.senders),
    row('Loki', '`ingester.max_chunk_age` / 2 (and `querier.query_ingesters_within`, max_chunk_age + 1h)', backends.loki.lateLogWindowSeconds, backends.loki.senders),
    row('Prometheus', '`storage.tsdb.out_of_order_time_window`', backends.prometheus.outOfOrderWindowSeconds, backends.prometheus.senders),
  ].join('\n') + '\n';
}
