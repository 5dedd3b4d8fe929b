/**
 * The OTLP gateway: the one entry point of the stack. OTLP over gRPC and HTTP, then the
 * memory limiter, then batching, then each signal to its destination.
 */
import { Construct } from 'constructs';
import {
  OtelcolExporterLoki, OtelcolExporterPrometheus, OtelcolProcessorBatch, OtelcolProcessorMemoryLimiter, OtelcolReceiverOtlp,
} from '../../imports/alloy';
import { AlloyComponent, AlloyConfig, LogsConsumer, MetricsConsumer, TracesConsumer, assertIdentifier } from '../alloy';
import { assertPort } from '../validation';
import { ILogsDestination, IMetricsDestination, ITracesDestination } from './destinations';

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
}

/** OTLP receiver -> memory limiter -> batch -> destinations. */
export class OtlpGateway extends Construct {
  public readonly receiver: OtelcolReceiverOtlp;
  public readonly memoryLimiter: OtelcolProcessorMemoryLimiter;
  public readonly batch: OtelcolProcessorBatch;
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
    if (props.metrics) {
      metrics = [new OtelcolExporterPrometheus(this, 'to_prometheus', { label, forwardTo: [props.metrics.metricsReceiver(config)] }).input];
    }
    let logs: LogsConsumer[] | undefined;
    if (props.logs) {
      logs = [new OtelcolExporterLoki(this, 'to_loki', { label, forwardTo: [props.logs.logsReceiver(config)] }).input];
    }
    const traces: TracesConsumer[] | undefined = props.traces ? [props.traces.tracesInput(config)] : undefined;

    this.batch = new OtelcolProcessorBatch(this, 'batch', { label, output: { metrics, logs, traces } });
    const toBatch = [this.batch.input];
    this.memoryLimiter = new OtelcolProcessorMemoryLimiter(this, 'memory_limiter', {
      label,
      checkInterval: '1s',
      limitPercentage,
      spikeLimitPercentage: spikePercentage,
      output: { metrics: metrics && toBatch, logs: logs && toBatch, traces: traces && toBatch },
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
