import { Construct } from 'constructs';
import { AlloyComponent, AlloyComponentProps, ComponentDefinition } from '../component';
import { Arg, BodySchema, Duration, attr, blk } from '../schema';
import { OtelConsumer } from '../signals';
import {
  DEBUG_METRICS_SCHEMA, DebugMetrics, OTEL_CLIENT_TLS_SCHEMA, OtelClientTls,
  RETRY_ON_FAILURE_SCHEMA, RetryOnFailure, SENDING_QUEUE_SCHEMA, SendingQueue,
} from './common';

/** `client` block of `otelcol.exporter.otlp`. */
export interface OtelcolExporterOtlpClient {
  /** `host:port` of the OTLP gRPC server. */
  readonly endpoint: Arg<string>;
  /** @default - omitted; Alloy uses "gzip" */
  readonly compression?: Arg<string>;
  /** @default - omitted */
  readonly headers?: Arg<Readonly<Record<string, Arg<string>>>>;
  /** An auth extension handler. @default - omitted */
  readonly auth?: Arg<unknown>;
  /** @default - omitted; Alloy uses "round_robin" */
  readonly balancerName?: Arg<string>;
  /** @default - omitted; Alloy uses false */
  readonly waitForReady?: Arg<boolean>;
  /** @default - omitted; TLS with the system CAs */
  readonly tls?: OtelClientTls;
}

export interface OtelcolExporterOtlpProps extends AlloyComponentProps {
  /** Timeout of each send. @default - omitted; Alloy uses "5s" */
  readonly timeout?: Arg<Duration>;
  /** The gRPC client. */
  readonly client: OtelcolExporterOtlpClient;
  /** @default - omitted; Alloy retries for 5m */
  readonly retryOnFailure?: RetryOnFailure;
  /** @default - omitted; an in-memory queue of 1000 batches */
  readonly sendingQueue?: SendingQueue;
  /** @default - omitted */
  readonly debugMetrics?: DebugMetrics;
}

const SCHEMA: BodySchema = {
  timeout: attr('timeout', 'duration'),
  client: blk('client', {
    auth: attr('auth', 'capsule'),
    balancerName: attr('balancer_name', 'string'),
    compression: attr('compression', 'string'),
    endpoint: attr('endpoint', 'string', { required: true }),
    headers: attr('headers', 'map'),
    waitForReady: attr('wait_for_ready', 'bool'),
    tls: blk('tls', OTEL_CLIENT_TLS_SCHEMA),
  }, { required: true }),
  debugMetrics: blk('debug_metrics', DEBUG_METRICS_SCHEMA),
  retryOnFailure: blk('retry_on_failure', RETRY_ON_FAILURE_SCHEMA),
  sendingQueue: blk('sending_queue', SENDING_QUEUE_SCHEMA),
};

/** `otelcol.exporter.otlp`: sends metrics, logs and traces over OTLP gRPC. */
export class OtelcolExporterOtlp extends AlloyComponent {
  /** Alloy's name, stability and the schema of the body. */
  public static readonly DEFINITION: ComponentDefinition = { name: 'otelcol.exporter.otlp', stability: 'generally-available', schema: SCHEMA };

  /** Accepts metrics, logs and traces. */
  public readonly input: OtelConsumer<'metrics' | 'logs' | 'traces'>;

  public constructor(scope: Construct, id: string, props: OtelcolExporterOtlpProps) {
    super(scope, id, OtelcolExporterOtlp.DEFINITION, props);
    this.input = new OtelConsumer(this.exportPath('input'), this, ['metrics', 'logs', 'traces']);
  }
}
