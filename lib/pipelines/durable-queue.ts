/**
 * The on-disk queue of a collector: one `otelcol.storage.file` under Alloy's storage path,
 * and a byte budget per signal. Destinations created in the same config find it and give
 * their exporters a persistent sending queue of that size that never gives up retrying, and
 * the remote-write WAL a keepalive as long as the promised outage.
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { OtelcolStorageFile } from '../../imports/alloy/components/otelcol-storage-file';
import { AlloyConfig, StorageHandler } from '../alloy';
import { assertGoDuration, parseSize } from '../validation';

export interface DurableQueueProps {
  /** Directory of the queue files; must be on the collector's volume. */
  readonly directory: string;
  /** Bytes of spans the traces queue may hold. @default "4GiB" */
  readonly tracesQueueSize?: string;
  /** Bytes of log records the logs queue may hold. @default "3GiB" */
  readonly logsQueueSize?: string;
  /**
   * How long the remote-write WAL keeps samples not yet sent (`max_keepalive_time`): the
   * metrics outage that loses nothing.
   *
   * @default "3h"
   */
  readonly metricsWalKeepalive?: string;
  /**
   * How often the WAL is truncated (`truncate_frequency`). A truncation drops the oldest
   * segments, sent or not, so it bounds the metrics outage too.
   *
   * @default "2h"
   */
  readonly metricsWalTruncateFrequency?: string;
}

/** Signals with a byte-sized OTel queue. */
export type QueuedSignal = 'traces' | 'logs';

export class DurableQueue extends Construct {
  /** The DurableQueue of `config`, if it has one. */
  public static of(config: AlloyConfig): DurableQueue | undefined {
    return config.node.children.find((c): c is DurableQueue => c instanceof DurableQueue);
  }

  public readonly directory: string;
  /** Bytes per queued signal. */
  public readonly queueBytes: Readonly<Record<QueuedSignal, number>>;
  public readonly metricsWalKeepalive: string;
  public readonly metricsWalTruncateFrequency: string;

  public constructor(scope: AlloyConfig, id: string, props: DurableQueueProps) {
    super(scope, id);
    if (DurableQueue.of(scope) !== this) {
      throw new Error(`${this.node.path}: ${scope.node.path} already has a DurableQueue; a config has one`);
    }
    this.directory = props.directory;
    this.queueBytes = {
      traces: parseSize(this.node.path, 'tracesQueueSize', props.tracesQueueSize ?? '4Gi', 'kubernetes'),
      logs: parseSize(this.node.path, 'logsQueueSize', props.logsQueueSize ?? '3Gi', 'kubernetes'),
    };
    this.metricsWalKeepalive = props.metricsWalKeepalive ?? '3h';
    assertGoDuration(this.node.path, 'metricsWalKeepalive', this.metricsWalKeepalive);
    this.metricsWalTruncateFrequency = props.metricsWalTruncateFrequency ?? '2h';
    assertGoDuration(this.node.path, 'metricsWalTruncateFrequency', this.metricsWalTruncateFrequency);
  }

  /**
   * The `otelcol.storage.file` of the queue, created when an exporter first uses it: a
   * config whose destinations queue nothing on disk (a collector that only scrapes into
   * remote write, which has its own WAL) has none.
   */
  public get storage(): OtelcolStorageFile {
    const existing = this.node.tryFindChild('storage');
    return existing instanceof OtelcolStorageFile ? existing : new OtelcolStorageFile(this, 'storage', { label: 'queue', directory: this.directory });
  }

  /** The storage handler of the queue. */
  public get handler(): StorageHandler {
    return this.storage.handler;
  }

  /** Exporter settings for `signal`: a persistent queue of its byte budget, and retries that never give up. */
  public exporterSettings(signal: QueuedSignal): { sendingQueue: object; retryOnFailure: object } {
    return {
      sendingQueue: {
        storage: this.handler,
        sizer: 'bytes',
        queueSize: this.queueBytes[signal],
        // batching last, inside the exporter: requests are read from the disk queue and sent in
        // batches, so a full queue still refuses at the receiver (no batch processor in front)
        // and the single entries of loki.* sources do not each become a request
        batch: { sizer: 'items', minSize: 2000, maxSize: 3000, flushTimeout: '200ms' },
      },
      // retry while the queue has room: when it is full, new data is refused (back-pressure)
      retryOnFailure: { enabled: true, maxElapsedTime: '0s' },
    };
  }
}
