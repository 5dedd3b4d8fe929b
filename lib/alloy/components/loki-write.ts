import { Construct } from 'constructs';
import { AlloyComponent, AlloyComponentProps, ComponentDefinition } from '../component';
import { Arg, BodySchema, Duration, Secret, attr, blk } from '../schema';
import { LogsReceiver } from '../signals';
import { BASIC_AUTH_SCHEMA, BasicAuth, HTTP_TLS_CONFIG_SCHEMA, HttpTlsConfig } from './common';

/** An `endpoint` block of `loki.write`. */
export interface LokiWriteEndpoint {
  /** The push URL, such as `http://loki:3100/loki/api/v1/push`. */
  readonly url: Arg<string>;
  /** @default - omitted; Alloy derives one */
  readonly name?: Arg<string>;
  /** The tenant sent as `X-Scope-OrgID`. @default - omitted; no tenant */
  readonly tenantId?: Arg<string>;
  /** @default - omitted */
  readonly headers?: Arg<Readonly<Record<string, Arg<string>>>>;
  /** @default - omitted; Alloy uses "1s" */
  readonly batchWait?: Arg<Duration>;
  /** @default - omitted; Alloy uses "1MiB" */
  readonly batchSize?: Arg<string>;
  /** @default - omitted; Alloy uses "10s" */
  readonly remoteTimeout?: Arg<Duration>;
  /** @default - omitted; Alloy uses "500ms" */
  readonly minBackoffPeriod?: Arg<Duration>;
  /** @default - omitted; Alloy uses "5m" */
  readonly maxBackoffPeriod?: Arg<Duration>;
  /** Retries before a batch is dropped; 0 retries forever. @default - omitted; Alloy uses 10 */
  readonly maxBackoffRetries?: Arg<number>;
  /** @default - omitted; Alloy uses true */
  readonly retryOnHttp429?: Arg<boolean>;
  /** @default - omitted */
  readonly bearerToken?: Secret;
  /** @default - omitted */
  readonly bearerTokenFile?: Arg<string>;
  /** @default - omitted */
  readonly basicAuth?: BasicAuth;
  /** @default - omitted */
  readonly tlsConfig?: HttpTlsConfig;
}

/** `wal` block of `loki.write` (experimental in Alloy). */
export interface LokiWriteWal {
  /** @default - omitted; Alloy uses false */
  readonly enabled?: Arg<boolean>;
  /** @default - omitted; Alloy uses "1h" */
  readonly maxSegmentAge?: Arg<Duration>;
  /** @default - omitted; Alloy uses "250ms" */
  readonly minReadFrequency?: Arg<Duration>;
  /** @default - omitted; Alloy uses "1s" */
  readonly maxReadFrequency?: Arg<Duration>;
  /** @default - omitted; Alloy uses "30s" */
  readonly drainTimeout?: Arg<Duration>;
}

export interface LokiWriteProps extends AlloyComponentProps {
  /** @default - omitted */
  readonly externalLabels?: Arg<Readonly<Record<string, Arg<string>>>>;
  /** @default - omitted; no limit */
  readonly maxStreams?: Arg<number>;
  /** Where entries are sent. @default - none */
  readonly endpoints?: readonly LokiWriteEndpoint[];
  /** @default - omitted; no WAL */
  readonly wal?: LokiWriteWal;
}

const SCHEMA: BodySchema = {
  externalLabels: attr('external_labels', 'map'),
  maxStreams: attr('max_streams', 'number'),
  endpoints: blk('endpoint', {
    batchSize: attr('batch_size', 'string'),
    batchWait: attr('batch_wait', 'duration'),
    bearerToken: attr('bearer_token', 'secret'),
    bearerTokenFile: attr('bearer_token_file', 'string'),
    headers: attr('headers', 'map'),
    maxBackoffPeriod: attr('max_backoff_period', 'duration'),
    maxBackoffRetries: attr('max_backoff_retries', 'number'),
    minBackoffPeriod: attr('min_backoff_period', 'duration'),
    name: attr('name', 'string'),
    remoteTimeout: attr('remote_timeout', 'duration'),
    retryOnHttp429: attr('retry_on_http_429', 'bool'),
    tenantId: attr('tenant_id', 'string'),
    url: attr('url', 'string', { required: true }),
    basicAuth: blk('basic_auth', BASIC_AUTH_SCHEMA),
    tlsConfig: blk('tls_config', HTTP_TLS_CONFIG_SCHEMA),
  }, { repeated: true }),
  wal: blk('wal', {
    drainTimeout: attr('drain_timeout', 'duration'),
    enabled: attr('enabled', 'bool'),
    maxReadFrequency: attr('max_read_frequency', 'duration'),
    maxSegmentAge: attr('max_segment_age', 'duration'),
    minReadFrequency: attr('min_read_frequency', 'duration'),
  }),
};

/** `loki.write`: sends log entries to Loki's push API. */
export class LokiWrite extends AlloyComponent {
  /** Alloy's name, stability and the schema of the body. */
  public static readonly DEFINITION: ComponentDefinition = { name: 'loki.write', stability: 'generally-available', schema: SCHEMA };

  /** Accepts Loki log entries. */
  public readonly receiver: LogsReceiver;

  public constructor(scope: Construct, id: string, props: LokiWriteProps = {}) {
    super(scope, id, LokiWrite.DEFINITION, props);
    this.receiver = new LogsReceiver(this.exportPath('receiver'), this);
  }
}
