/**
 * The on-disk queue of a collector: one `otelcol.storage.file` under Alloy's storage path,
 * and a byte budget per signal. Destinations created in the same config find it and give
 * their exporters a persistent sending queue of that size that never gives up retrying, and
 * the remote-write WAL a keepalive as long as the promised outage.
 *
 * It is also where the outage budget starts: each queue's bytes at the ingest rate the
 * budget is stated for give the longest backlog an exporter may replay to its backend, and
 * the backends derive their acceptance windows from it (see `backlogSeconds`).
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { OtelcolStorageFile } from '../../imports/alloy/components/otelcol-storage-file';
import { AlloyConfig, StorageHandler } from '../alloy';
import { goDuration, parseDuration, parseSize } from '../validation';

/**
 * The ingest rate, per collector replica, that the outage budget is stated for. A lower real
 * rate makes the queues last longer than the budget, but the backends accept a replayed
 * backlog only as far back as the budget: state the rate you expect.
 */
export interface IngestRates {
  /** @default 500 */
  readonly spansPerSecond?: number;
  /** @default 1000 */
  readonly logRecordsPerSecond?: number;
  /** OTLP metric data points (the gateway's queue). @default 5000 */
  readonly metricPointsPerSecond?: number;
  /** Samples scraped into the remote-write WAL. @default 10000 */
  readonly samplesPerSecond?: number;
}

export interface DurableQueueProps {
  /** Directory of the queue files; must be on the collector's volume. */
  readonly directory: string;
  /** Bytes of spans the traces queue may hold. @default "3Gi" */
  readonly tracesQueueSize?: string;
  /** Bytes of OTLP metrics the metrics queue may hold. @default "2Gi" */
  readonly metricsQueueSize?: string;
  /** Bytes of log records each logs queue may hold. @default "3Gi" */
  readonly logsQueueSize?: string;
  /**
   * How long the remote-write WAL keeps samples not yet sent (`max_keepalive_time`): the
   * metrics outage that loses nothing. A duration, whole numbers with y, w, d, h, m, s, ms, such as "3h" or
   * "1d" (Alloy reads Go durations: days become hours).
   *
   * @default "3h"
   */
  readonly metricsWalKeepalive?: string;
  /**
   * How often the WAL is truncated (`truncate_frequency`). A truncation drops the oldest
   * segments, sent or not, so it bounds the metrics outage too. A duration, whole numbers with y, w, d, h, m, s, ms,
   * such as "2h" (days become hours).
   *
   * @default "2h"
   */
  readonly metricsWalTruncateFrequency?: string;
  /**
   * fsync every write of the queue file (`otelcol.storage.file`'s `fsync`), so a node crash
   * (kernel panic, power loss) cannot lose or corrupt what was queued. It costs a disk flush
   * for every request queued, read and removed: see docs/outage-budget.md for the measured
   * cost, and why it is off by default.
   *
   * @default false - a crashed process or pod loses nothing, a crashed node may
   */
  readonly fsync?: boolean;
  /** The ingest rate the budget is stated for. @default - see IngestRates */
  readonly ingestRates?: IngestRates;
}

/** Signals with a byte-sized OTel queue. */
export type QueuedSignal = 'traces' | 'metrics' | 'logs';

/**
 * Bytes one item takes in its queue (the `bytes` sizer counts OTLP protobuf): the
 * assumptions behind the budget.
 */
export const ITEM_BYTES = {
  /** A span with typical attributes. */
  span: 1024,
  /** A log record with a 200-character line and its attributes. */
  logRecord: 512,
  /** An OTLP metric data point with its attributes, resource and metric amortized. */
  metricPoint: 128,
  /** A sample in the remote-write WAL, series labels amortized. */
  sample: 16,
} as const;

const PER_ITEM: Readonly<Record<QueuedSignal, number>> = { traces: ITEM_BYTES.span, metrics: ITEM_BYTES.metricPoint, logs: ITEM_BYTES.logRecord };

/** How an exporter takes its queue. */
export interface QueueUse {
  /** The exporter's Alloy id, such as `otelcol.exporter.otlp.tempo`. */
  readonly exporter: string;
  readonly signal: QueuedSignal;
  /**
   * The largest request the receiving backend takes, in bytes: batches are cut below it, so
   * no request is refused for its size.
   */
  readonly maxRequestBytes: number;
  /**
   * Wait for room when the queue is full (`block_on_overflow`) instead of refusing. For
   * sources that cannot retry (the `loki.source.*` tailers): they stop reading, and the log
   * files keep what is not yet read. OTLP senders are refused instead, and retry.
   */
  readonly waitForRoom: boolean;
}

/** One exporter's queue on the volume. */
export interface QueueAllocation extends QueueUse {
  readonly bytes: number;
  /** The largest batch, in bytes (`sending_queue > batch > max_size`). */
  readonly batchBytes: number;
}

/** A batch is cut at this share of the receiver's limit: room for the request's framing. */
const BATCH_SHARE = 0.9;

export class DurableQueue extends Construct {
  /** The DurableQueue of `config`, if it has one. */
  public static of(config: AlloyConfig): DurableQueue | undefined {
    return config.node.children.find((c): c is DurableQueue => c instanceof DurableQueue);
  }

  public readonly directory: string;
  /** Bytes per queued signal, for each exporter of that signal. */
  public readonly queueBytes: Readonly<Record<QueuedSignal, number>>;
  /** The WAL keepalive as Alloy reads it, a Go duration ("1d" given is "24h"). */
  public readonly metricsWalKeepalive: string;
  /** The WAL truncation period as Alloy reads it, a Go duration. */
  public readonly metricsWalTruncateFrequency: string;
  public readonly fsync: boolean;
  /** The stated ingest rates, defaults filled in. */
  public readonly ingestRates: Required<IngestRates>;
  private readonly uses: QueueAllocation[] = [];

  public constructor(scope: AlloyConfig, id: string, props: DurableQueueProps) {
    super(scope, id);
    if (DurableQueue.of(scope) !== this) {
      throw new Error(`${this.node.path}: ${scope.node.path} already has a DurableQueue; a config has one`);
    }
    this.directory = props.directory;
    this.queueBytes = {
      traces: parseSize(this.node.path, 'tracesQueueSize', props.tracesQueueSize ?? '3Gi', 'kubernetes'),
      metrics: parseSize(this.node.path, 'metricsQueueSize', props.metricsQueueSize ?? '2Gi', 'kubernetes'),
      logs: parseSize(this.node.path, 'logsQueueSize', props.logsQueueSize ?? '3Gi', 'kubernetes'),
    };
    this.metricsWalKeepalive = goDuration(this.node.path, 'metricsWalKeepalive', props.metricsWalKeepalive ?? '3h');
    this.metricsWalTruncateFrequency = goDuration(this.node.path, 'metricsWalTruncateFrequency', props.metricsWalTruncateFrequency ?? '2h');
    this.fsync = props.fsync ?? false;
    const r = props.ingestRates ?? {};
    this.ingestRates = {
      spansPerSecond: r.spansPerSecond ?? 500,
      logRecordsPerSecond: r.logRecordsPerSecond ?? 1000,
      metricPointsPerSecond: r.metricPointsPerSecond ?? 5000,
      samplesPerSecond: r.samplesPerSecond ?? 10000,
    };
    for (const [what, v] of Object.entries(this.ingestRates)) {
      if (!(v > 0) || !Number.isFinite(v)) {
        throw new Error(`${this.node.path}: ingestRates.${what} must be a positive number (got ${v})`);
      }
    }
  }

  /**
   * The `otelcol.storage.file` of the queue, created when an exporter first uses it: a
   * config whose destinations queue nothing on disk (a collector that only scrapes into
   * remote write, which has its own WAL) has none.
   */
  public get storage(): OtelcolStorageFile {
    const existing = this.node.tryFindChild('storage');
    return existing instanceof OtelcolStorageFile
      ? existing
      : new OtelcolStorageFile(this, 'storage', { label: 'queue', directory: this.directory, ...(this.fsync ? { fsync: true } : {}) });
  }

  /** The storage handler of the queue. */
  public get handler(): StorageHandler {
    return this.storage.handler;
  }

  /** Every exporter's queue on the volume, in the order they were made. */
  public get allocations(): readonly QueueAllocation[] {
    return this.uses;
  }

  /** Bytes all queues may take together. */
  public get allocatedBytes(): number {
    return this.uses.reduce((sum, u) => sum + u.bytes, 0);
  }

  /** Items per second of `signal` at the stated rate. */
  public itemsPerSecond(signal: QueuedSignal): number {
    return { traces: this.ingestRates.spansPerSecond, metrics: this.ingestRates.metricPointsPerSecond, logs: this.ingestRates.logRecordsPerSecond }[signal];
  }

  /** The stated rate of `signal`, such as "500 spans/s". */
  public rateText(signal: QueuedSignal): string {
    return `${this.itemsPerSecond(signal)} ${{ traces: 'spans', metrics: 'metric points', logs: 'log records' }[signal]}/s`;
  }

  /** Bytes of the backlog one exporter of `signal` may hold, at the stated rate, per second of outage. */
  public bytesPerSecond(signal: QueuedSignal): number {
    return this.itemsPerSecond(signal) * PER_ITEM[signal];
  }

  /**
   * The outage one exporter's queue of `signal` holds at the stated rate, in seconds: the
   * oldest data it may replay to its backend when the backend is back.
   */
  public backlogSeconds(signal: QueuedSignal): number {
    return this.queueBytes[signal] / this.bytesPerSecond(signal);
  }

  /** The seconds the remote-write WAL keeps unsent samples (`max_keepalive_time`). */
  public get walKeepaliveSeconds(): number {
    return parseDuration(this.node.path, 'metricsWalKeepalive', this.metricsWalKeepalive) / 1000;
  }

  /**
   * Exporter settings for one exporter: a persistent queue of its signal's byte budget,
   * batches cut below the receiver's request limit, and retries that never give up.
   */
  public exporterSettings(use: QueueUse): { sendingQueue: object; retryOnFailure: object } {
    if (!(Number.isInteger(use.maxRequestBytes) && use.maxRequestBytes >= 64 * 1024)) {
      throw new Error(
        `${this.node.path}: the receiver of ${use.exporter} takes requests of at most ${use.maxRequestBytes} bytes; ` +
        'give it a limit of at least 64KiB (whole bytes) so a batch fits',
      );
    }
    const bytes = this.queueBytes[use.signal];
    const batchBytes = Math.floor(use.maxRequestBytes * BATCH_SHARE);
    if (this.uses.some((u) => u.exporter === use.exporter)) {
      throw new Error(`${this.node.path}: ${use.exporter} already has a queue; an exporter takes one`);
    }
    this.uses.push({ ...use, bytes, batchBytes });
    return {
      sendingQueue: {
        storage: this.handler,
        sizer: 'bytes',
        queueSize: bytes,
        ...(use.waitForRoom ? { blockOnOverflow: true } : {}),
        // batching last, inside the exporter: requests are read from the disk queue and sent in
        // batches of at most batchBytes of OTLP protobuf (larger requests are split), so no
        // request passes the receiver's limit; a full queue still refuses (or waits) at the
        // receiver, since there is no batch processor in front
        batch: { sizer: 'bytes', minSize: Math.floor(batchBytes / 4), maxSize: batchBytes, flushTimeout: '200ms' },
      },
      // retry while the queue has room: when it is full, new data is refused (back-pressure)
      retryOnFailure: { enabled: true, maxElapsedTime: '0s' },
    };
  }
}
