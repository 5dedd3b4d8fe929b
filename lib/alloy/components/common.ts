/**
 * Blocks shared by several components, declared once. (The generator emits them per component.)
 */
import { Arg, BodySchema, Duration, Secret, attr } from '../schema';
import type { OtelOutput } from '../signals';

/** `output` of an otelcol component. */
export const OUTPUT_SCHEMA: BodySchema = {
  metrics: attr('metrics', 'list', { signal: 'metrics' }),
  logs: attr('logs', 'list', { signal: 'logs' }),
  traces: attr('traces', 'list', { signal: 'traces' }),
};

export type { OtelOutput };

/** `debug_metrics` of an otelcol component. */
export interface DebugMetrics {
  /** @default - omitted; Alloy uses true */
  readonly disableHighCardinalityMetrics?: Arg<boolean>;
}

export const DEBUG_METRICS_SCHEMA: BodySchema = {
  disableHighCardinalityMetrics: attr('disable_high_cardinality_metrics', 'bool'),
};

/** TLS settings of an OTel client (`client > tls`). */
export interface OtelClientTls {
  /** Send without TLS. @default - omitted; Alloy uses TLS */
  readonly insecure?: Arg<boolean>;
  /** @default - omitted; Alloy verifies the server's certificate */
  readonly insecureSkipVerify?: Arg<boolean>;
  /** @default - omitted; the system CAs */
  readonly caFile?: Arg<string>;
  /** @default - omitted */
  readonly caPem?: Arg<string>;
  /** @default - omitted */
  readonly certFile?: Arg<string>;
  /** @default - omitted */
  readonly certPem?: Arg<string>;
  /** @default - omitted */
  readonly keyFile?: Arg<string>;
  /** @default - omitted */
  readonly keyPem?: Secret;
  /** @default - omitted; Alloy uses "TLS 1.2" */
  readonly minVersion?: Arg<string>;
  /** @default - omitted; taken from the endpoint */
  readonly serverName?: Arg<string>;
}

export const OTEL_CLIENT_TLS_SCHEMA: BodySchema = {
  caFile: attr('ca_file', 'string'),
  caPem: attr('ca_pem', 'string'),
  certFile: attr('cert_file', 'string'),
  certPem: attr('cert_pem', 'string'),
  insecure: attr('insecure', 'bool'),
  insecureSkipVerify: attr('insecure_skip_verify', 'bool'),
  keyFile: attr('key_file', 'string'),
  keyPem: attr('key_pem', 'secret'),
  minVersion: attr('min_version', 'string'),
  serverName: attr('server_name', 'string'),
};

/** TLS settings of an OTel server (`grpc > tls`, `http > tls` of a receiver). */
export interface OtelServerTls {
  /** @default - omitted */
  readonly certFile?: Arg<string>;
  /** @default - omitted */
  readonly certPem?: Arg<string>;
  /** @default - omitted */
  readonly keyFile?: Arg<string>;
  /** @default - omitted */
  readonly keyPem?: Secret;
  /** @default - omitted */
  readonly caFile?: Arg<string>;
  /** @default - omitted */
  readonly caPem?: Arg<string>;
  /** CA that client certificates must chain to (mutual TLS). @default - omitted; no client certificates */
  readonly clientCaFile?: Arg<string>;
  /** @default - omitted; Alloy uses "TLS 1.2" */
  readonly minVersion?: Arg<string>;
  /** @default - omitted; Alloy uses "TLS 1.3" */
  readonly maxVersion?: Arg<string>;
  /** @default - omitted; Alloy uses "0s" (no reload) */
  readonly reloadInterval?: Arg<Duration>;
}

export const OTEL_SERVER_TLS_SCHEMA: BodySchema = {
  caFile: attr('ca_file', 'string'),
  caPem: attr('ca_pem', 'string'),
  certFile: attr('cert_file', 'string'),
  certPem: attr('cert_pem', 'string'),
  clientCaFile: attr('client_ca_file', 'string'),
  keyFile: attr('key_file', 'string'),
  keyPem: attr('key_pem', 'secret'),
  maxVersion: attr('max_version', 'string'),
  minVersion: attr('min_version', 'string'),
  reloadInterval: attr('reload_interval', 'duration'),
};

/** `retry_on_failure` of an otelcol exporter. */
export interface RetryOnFailure {
  /** @default - omitted; Alloy uses true */
  readonly enabled?: Arg<boolean>;
  /** @default - omitted; Alloy uses "5s" */
  readonly initialInterval?: Arg<Duration>;
  /** @default - omitted; Alloy uses "30s" */
  readonly maxInterval?: Arg<Duration>;
  /** How long to keep retrying one batch; "0s" retries forever. @default - omitted; Alloy uses "5m" */
  readonly maxElapsedTime?: Arg<Duration>;
  /** @default - omitted; Alloy uses 1.5 */
  readonly multiplier?: Arg<number>;
  /** @default - omitted; Alloy uses 0.5 */
  readonly randomizationFactor?: Arg<number>;
}

export const RETRY_ON_FAILURE_SCHEMA: BodySchema = {
  enabled: attr('enabled', 'bool'),
  initialInterval: attr('initial_interval', 'duration'),
  maxElapsedTime: attr('max_elapsed_time', 'duration'),
  maxInterval: attr('max_interval', 'duration'),
  multiplier: attr('multiplier', 'number'),
  randomizationFactor: attr('randomization_factor', 'number'),
};

/** `sending_queue` of an otelcol exporter. */
export interface SendingQueue {
  /** @default - omitted; Alloy uses true */
  readonly enabled?: Arg<boolean>;
  /** @default - omitted; Alloy uses 10 */
  readonly numConsumers?: Arg<number>;
  /** @default - omitted; Alloy uses 1000 */
  readonly queueSize?: Arg<number>;
  /** Wait for room instead of refusing data when the queue is full. @default - omitted; Alloy uses false */
  readonly blockOnOverflow?: Arg<boolean>;
  /** "requests", "items" or "bytes". @default - omitted; Alloy uses "requests" */
  readonly sizer?: Arg<string>;
  /** A storage extension handler (`otelcol.storage.file`) for a queue on disk. @default - omitted; in memory */
  readonly storage?: Arg<unknown>;
  /** @default - omitted; Alloy uses false */
  readonly waitForResult?: Arg<boolean>;
}

export const SENDING_QUEUE_SCHEMA: BodySchema = {
  blockOnOverflow: attr('block_on_overflow', 'bool'),
  enabled: attr('enabled', 'bool'),
  numConsumers: attr('num_consumers', 'number'),
  queueSize: attr('queue_size', 'number'),
  sizer: attr('sizer', 'string'),
  storage: attr('storage', 'capsule'),
  waitForResult: attr('wait_for_result', 'bool'),
};

/** `basic_auth` of an HTTP client. */
export interface BasicAuth {
  /** @default - omitted */
  readonly username?: Arg<string>;
  /** @default - omitted */
  readonly password?: Secret;
  /** @default - omitted */
  readonly passwordFile?: Arg<string>;
}

export const BASIC_AUTH_SCHEMA: BodySchema = {
  password: attr('password', 'secret'),
  passwordFile: attr('password_file', 'string'),
  username: attr('username', 'string'),
};

/** `tls_config` of a Prometheus or Loki HTTP client: the OTel client's TLS settings but `insecure`. */
export type HttpTlsConfig = Omit<OtelClientTls, 'insecure'>;

export const HTTP_TLS_CONFIG_SCHEMA: BodySchema = Object.fromEntries(
  Object.entries(OTEL_CLIENT_TLS_SCHEMA).filter(([prop]) => prop !== 'insecure'),
);
