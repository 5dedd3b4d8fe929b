import { Construct } from 'constructs';
import { AlloyComponent, AlloyComponentProps, ComponentDefinition } from '../component';
import { Arg, BodySchema, Duration, attr, blk } from '../schema';
import { DEBUG_METRICS_SCHEMA, DebugMetrics, OTEL_SERVER_TLS_SCHEMA, OUTPUT_SCHEMA, OtelOutput, OtelServerTls } from './common';

/** `grpc` block of `otelcol.receiver.otlp`. */
export interface OtelcolReceiverOtlpGrpc {
  /** `host:port` to listen on. @default - omitted; Alloy uses "0.0.0.0:4317" */
  readonly endpoint?: Arg<string>;
  /** @default - omitted; Alloy uses "4MiB" */
  readonly maxRecvMsgSize?: Arg<string>;
  /** @default - omitted; no limit */
  readonly maxConcurrentStreams?: Arg<number>;
  /** @default - omitted; Alloy uses false */
  readonly includeMetadata?: Arg<boolean>;
  /** @default - omitted; Alloy uses "tcp" */
  readonly transport?: Arg<string>;
  /** @default - omitted; no TLS */
  readonly tls?: OtelServerTls;
}

/** `http` block of `otelcol.receiver.otlp`. */
export interface OtelcolReceiverOtlpHttp {
  /** `host:port` to listen on. @default - omitted; Alloy uses "0.0.0.0:4318" */
  readonly endpoint?: Arg<string>;
  /** @default - omitted; Alloy uses "20MiB" */
  readonly maxRequestBodySize?: Arg<string>;
  /** @default - omitted; Alloy uses false */
  readonly includeMetadata?: Arg<boolean>;
  /** @default - omitted; Alloy uses "/v1/traces" */
  readonly tracesUrlPath?: Arg<string>;
  /** @default - omitted; Alloy uses "/v1/metrics" */
  readonly metricsUrlPath?: Arg<string>;
  /** @default - omitted; Alloy uses "/v1/logs" */
  readonly logsUrlPath?: Arg<string>;
  /** @default - omitted; Alloy uses "1m" */
  readonly idleTimeout?: Arg<Duration>;
  /** @default - omitted; no TLS */
  readonly tls?: OtelServerTls;
}

export interface OtelcolReceiverOtlpProps extends AlloyComponentProps {
  /** Accept OTLP over gRPC. @default - no gRPC server */
  readonly grpc?: OtelcolReceiverOtlpGrpc;
  /** Accept OTLP over HTTP. @default - no HTTP server */
  readonly http?: OtelcolReceiverOtlpHttp;
  /** @default - omitted */
  readonly debugMetrics?: DebugMetrics;
  /** Where received data goes. */
  readonly output: OtelOutput;
}

const SCHEMA: BodySchema = {
  grpc: blk('grpc', {
    endpoint: attr('endpoint', 'string'),
    includeMetadata: attr('include_metadata', 'bool'),
    maxConcurrentStreams: attr('max_concurrent_streams', 'number'),
    maxRecvMsgSize: attr('max_recv_msg_size', 'string'),
    transport: attr('transport', 'string'),
    tls: blk('tls', OTEL_SERVER_TLS_SCHEMA),
  }),
  http: blk('http', {
    endpoint: attr('endpoint', 'string'),
    idleTimeout: attr('idle_timeout', 'duration'),
    includeMetadata: attr('include_metadata', 'bool'),
    logsUrlPath: attr('logs_url_path', 'string'),
    maxRequestBodySize: attr('max_request_body_size', 'string'),
    metricsUrlPath: attr('metrics_url_path', 'string'),
    tracesUrlPath: attr('traces_url_path', 'string'),
    tls: blk('tls', OTEL_SERVER_TLS_SCHEMA),
  }),
  debugMetrics: blk('debug_metrics', DEBUG_METRICS_SCHEMA),
  output: blk('output', OUTPUT_SCHEMA, { required: true }),
};

/** `otelcol.receiver.otlp`: receives OTLP over gRPC and HTTP. Exports nothing. */
export class OtelcolReceiverOtlp extends AlloyComponent {
  /** Alloy's name, stability and the schema of the body. */
  public static readonly DEFINITION: ComponentDefinition = { name: 'otelcol.receiver.otlp', stability: 'generally-available', schema: SCHEMA };

  public constructor(scope: Construct, id: string, props: OtelcolReceiverOtlpProps) {
    super(scope, id, OtelcolReceiverOtlp.DEFINITION, props);
  }
}
