/**
 * The OTLP gateway: the one entry point of the stack. OTLP over gRPC and HTTP, then the
 * memory limiter, then (optionally) Kubernetes metadata, then each signal to its destination.
 *
 * RBAC: none, or what the enrichment needs. Pod Security: restricted.
 *
 * There is deliberately no `otelcol.processor.batch`: it hands data on asynchronously, so when
 * an exporter's disk queue is full it would drop the batch and log it. Without it the full
 * queue's error reaches the receiver, which refuses the request with a retryable error and
 * the sender backs off (back-pressure). Batching happens inside each exporter, after its
 * disk queue (DurableQueue's `sending_queue > batch`), and remote write batches from its WAL.
 *
 * Metrics go as OTLP to a destination that takes it (`metricsInput`, such as Prometheus's
 * OTLP receiver): through the same kind of disk queue as traces and logs. Otherwise they are
 * converted by `otelcol.exporter.prometheus` for remote write, which drops delta temporality.
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { OtelcolExporterPrometheus } from '../../imports/alloy/components/otelcol-exporter-prometheus';
import { OtelcolProcessorMemoryLimiter } from '../../imports/alloy/components/otelcol-processor-memory-limiter';
import { OtelcolReceiverOtlp } from '../../imports/alloy/components/otelcol-receiver-otlp';
import { AlloyComponent, AlloyConfig, LogsConsumer, MetricsConsumer, TracesConsumer, assertIdentifier } from '../alloy';
import { assertPort } from '../validation';
import { ILogsDestination, IMetricsDestination, ITracesDestination } from './destinations';
import { OtlpEnrichment, OtlpEnrichmentOptions } from './otlp-enrichment';

export interface OtlpGatewayProps {
  /** Label of the gateway's components in config.alloy. @default "default" */
  readonly label?: string;
  /** @default - traces are not accepted */
  readonly traces?: ITracesDestination;
  /** @default - metrics are not accepted */
  readonly metrics?: IMetricsDestination;
  /** @default - logs are not accepted */
  readonly logs?: ILogsDestination;
  /** @default 4317 */
  readonly grpcPort?: number;
  /** @default 4318 */
  readonly httpPort?: number;
  /**
   * The memory limiter's hard limit, as a percentage of the container's memory limit.
   * Alloy has no default (the limiter needs one of limit or limit_percentage).
   *
   * @default 80
   */
  readonly memoryLimitPercentage?: number;
  /** Headroom below the hard limit, as a percentage of memory. @default 20 */
  readonly memorySpikeLimitPercentage?: number;
  /**
   * The memory limiter's hard limit and headroom as sizes, from the container's memory limit
   * (the collector knows it: `alloy.memoryLimiterMib`). Takes the place of the percentages.
   *
   * @default - the percentages
   */
  readonly memoryLimitMib?: { readonly limit: number; readonly spike: number };
  /**
   * Kubernetes metadata on everything the gateway receives (see OtlpEnrichment), between
   * the memory limiter and the exporters. `true` for the defaults.
   *
   * @default - no enrichment
   */
  readonly enrichment?: boolean | OtlpEnrichmentOptions;
}

/** OTLP receiver -> memory limiter -> destinations. */
export class OtlpGateway extends Construct {
  public readonly receiver: OtelcolReceiverOtlp;
  public readonly memoryLimiter: OtelcolProcessorMemoryLimiter;
  /** The enrichment processors, when on. */
  public readonly enrichment?: OtlpEnrichment;
  public readonly grpcPort: number;
  public readonly httpPort: number;

  public constructor(scope: Construct, id: string, props: OtlpGatewayProps) {
    super(scope, id);
    const label = props.label ?? 'default';
    assertIdentifier(this.node.path, 'label', label);
    if (!props.traces && !props.metrics && !props.logs) {
      throw new Error(`${this.node.path}: the gateway has no destination (got none of traces, metrics, logs); pass at least one`);
    }
    const config = this.node.scopes.find(AlloyConfig.isAlloyConfig);
    if (config === undefined) {
      throw new Error(`${this.node.path}: OtlpGateway is not inside an AlloyConfig; create it with an AlloyConfig as its scope`);
    }
    this.grpcPort = props.grpcPort ?? 4317;
    this.httpPort = props.httpPort ?? 4318;
    assertPort(this.node.path, 'grpcPort', this.grpcPort);
    assertPort(this.node.path, 'httpPort', this.httpPort);
    if (this.grpcPort === this.httpPort) {
      throw new Error(`${this.node.path}: gRPC and HTTP receivers on the same port (got ${this.grpcPort}); give them different ports`);
    }
    const limitPercentage = percentage(this, 'memoryLimitPercentage', props.memoryLimitPercentage ?? 80);
    const spikePercentage = percentage(this, 'memorySpikeLimitPercentage', props.memorySpikeLimitPercentage ?? 20);
    if (spikePercentage >= limitPercentage) {
      throw new Error(
        `${this.node.path}: memorySpikeLimitPercentage (got ${spikePercentage}) must be below memoryLimitPercentage (${limitPercentage})`,
      );
    }

    let metrics: MetricsConsumer[] | undefined;
    if (props.metrics?.metricsInput) {
      // OTLP as it is, to a backend's OTLP receiver: through the disk queue, delta temporality
      // and all (converted there)
      metrics = [props.metrics.metricsInput(config)];
    } else if (props.metrics) {
      // otelcol.exporter.prometheus drops delta-temporality sums and histograms without a
      // metric to count them (alloy internal/component/otelcol/exporter/prometheus/internal/convert/convert.go):
      // senders to such a destination must send cumulative temporality
      metrics = [new OtelcolExporterPrometheus(this, 'to_prometheus', { label, forwardTo: [props.metrics.metricsReceiver(config)] }).input];
    }
    let logs: LogsConsumer[] | undefined = props.logs ? [props.logs.logsInput(config)] : undefined;
    let traces: TracesConsumer[] | undefined = props.traces ? [props.traces.tracesInput(config)] : undefined;

    const mib = props.memoryLimitMib;
    if (mib !== undefined && !(Number.isInteger(mib.limit) && Number.isInteger(mib.spike) && mib.spike > 0 && mib.spike < mib.limit)) {
      throw new Error(
        `${this.node.path}: memoryLimitMib must be whole MiB with 0 < spike < limit (got limit ${mib.limit}, spike ${mib.spike})`,
      );
    }
    if (props.enrichment !== undefined && props.enrichment !== false) {
      this.enrichment = new OtlpEnrichment(this, 'enrichment', {
        ...(props.enrichment === true ? {} : props.enrichment),
        label,
        output: { traces, metrics, logs },
      });
      const enriched = [this.enrichment.input];
      metrics = metrics && enriched;
      logs = logs && enriched;
      traces = traces && enriched;
    }
    this.memoryLimiter = new OtelcolProcessorMemoryLimiter(this, 'memory_limiter', {
      label,
      checkInterval: '1s',
      ...(mib !== undefined
        ? { limit: `${mib.limit}MiB`, spikeLimit: `${mib.spike}MiB` }
        : { limitPercentage, spikeLimitPercentage: spikePercentage }),
      output: { metrics, logs, traces },
    });
    const toLimiter = [this.memoryLimiter.input];
    this.receiver = new OtelcolReceiverOtlp(this, 'receiver', {
      label,
      grpc: { endpoint: `0.0.0.0:${this.grpcPort}` },
      http: { endpoint: `0.0.0.0:${this.httpPort}` },
      output: { metrics: metrics && toLimiter, logs: logs && toLimiter, traces: traces && toLimiter },
    });
  }

  /** The gateway's components. */
  public get components(): AlloyComponent[] {
    return this.node.findAll().filter(AlloyComponent.isAlloyComponent);
  }
}

function percentage(scope: Construct, what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new Error(`${scope.node.path}: ${what} must be a whole percentage from 1 to 100 (got ${value})`);
  }
  return value;
}
