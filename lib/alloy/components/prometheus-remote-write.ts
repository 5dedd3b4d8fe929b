import { Construct } from 'constructs';
import { AlloyComponent, AlloyComponentProps, ComponentDefinition } from '../component';
import { Arg, BodySchema, Duration, Secret, attr, blk } from '../schema';
import { MetricsReceiver } from '../signals';
import { BASIC_AUTH_SCHEMA, BasicAuth, HTTP_TLS_CONFIG_SCHEMA, HttpTlsConfig } from './common';

/** `endpoint > queue_config` of `prometheus.remote_write`. */
export interface PrometheusRemoteWriteQueueConfig {
  /** @default - omitted; Alloy uses 10000 */
  readonly capacity?: Arg<number>;
  /** @default - omitted; Alloy uses 1 */
  readonly minShards?: Arg<number>;
  /** @default - omitted; Alloy uses 50 */
  readonly maxShards?: Arg<number>;
  /** @default - omitted; Alloy uses 2000 */
  readonly maxSamplesPerSend?: Arg<number>;
  /** @default - omitted; Alloy uses "5s" */
  readonly batchSendDeadline?: Arg<Duration>;
  /** @default - omitted; Alloy uses "30ms" */
  readonly minBackoff?: Arg<Duration>;
  /** @default - omitted; Alloy uses "5s" */
  readonly maxBackoff?: Arg<Duration>;
  /** @default - omitted; Alloy uses true */
  readonly retryOnHttp429?: Arg<boolean>;
  /** Drop samples older than this instead of retrying them; "0s" keeps all. @default - omitted; Alloy uses "0s" */
  readonly sampleAgeLimit?: Arg<Duration>;
}

/** An `endpoint` block of `prometheus.remote_write`. */
export interface PrometheusRemoteWriteEndpoint {
  /** The remote-write URL, such as `http://prometheus:9090/api/v1/write`. */
  readonly url: Arg<string>;
  /** @default - omitted; Alloy derives one */
  readonly name?: Arg<string>;
  /** @default - omitted; Alloy uses "30s" */
  readonly remoteTimeout?: Arg<Duration>;
  /** @default - omitted */
  readonly headers?: Arg<Readonly<Record<string, Arg<string>>>>;
  /** @default - omitted; Alloy uses true */
  readonly sendExemplars?: Arg<boolean>;
  /** @default - omitted; Alloy uses false */
  readonly sendNativeHistograms?: Arg<boolean>;
  /** @default - omitted */
  readonly bearerToken?: Secret;
  /** @default - omitted */
  readonly bearerTokenFile?: Arg<string>;
  /** @default - omitted */
  readonly basicAuth?: BasicAuth;
  /** @default - omitted */
  readonly tlsConfig?: HttpTlsConfig;
  /** @default - omitted; Alloy's queue defaults */
  readonly queueConfig?: PrometheusRemoteWriteQueueConfig;
}

/** `wal` block of `prometheus.remote_write`. */
export interface PrometheusRemoteWriteWal {
  /** @default - omitted; Alloy uses "2h" */
  readonly truncateFrequency?: Arg<Duration>;
  /** @default - omitted; Alloy uses "5m" */
  readonly minKeepaliveTime?: Arg<Duration>;
  /** How long unsent data is kept on disk. @default - omitted; Alloy uses "8h" */
  readonly maxKeepaliveTime?: Arg<Duration>;
}

export interface PrometheusRemoteWriteProps extends AlloyComponentProps {
  /** @default - omitted */
  readonly externalLabels?: Arg<Readonly<Record<string, Arg<string>>>>;
  /** Where samples are sent. @default - none: samples are kept in the WAL only */
  readonly endpoints?: readonly PrometheusRemoteWriteEndpoint[];
  /** @default - omitted; Alloy's WAL defaults */
  readonly wal?: PrometheusRemoteWriteWal;
}

const SCHEMA: BodySchema = {
  externalLabels: attr('external_labels', 'map'),
  endpoints: blk('endpoint', {
    bearerToken: attr('bearer_token', 'secret'),
    bearerTokenFile: attr('bearer_token_file', 'string'),
    headers: attr('headers', 'map'),
    name: attr('name', 'string'),
    remoteTimeout: attr('remote_timeout', 'duration'),
    sendExemplars: attr('send_exemplars', 'bool'),
    sendNativeHistograms: attr('send_native_histograms', 'bool'),
    url: attr('url', 'string', { required: true }),
    basicAuth: blk('basic_auth', BASIC_AUTH_SCHEMA),
    queueConfig: blk('queue_config', {
      batchSendDeadline: attr('batch_send_deadline', 'duration'),
      capacity: attr('capacity', 'number'),
      maxBackoff: attr('max_backoff', 'duration'),
      maxSamplesPerSend: attr('max_samples_per_send', 'number'),
      maxShards: attr('max_shards', 'number'),
      minBackoff: attr('min_backoff', 'duration'),
      minShards: attr('min_shards', 'number'),
      retryOnHttp429: attr('retry_on_http_429', 'bool'),
      sampleAgeLimit: attr('sample_age_limit', 'duration'),
    }),
    tlsConfig: blk('tls_config', HTTP_TLS_CONFIG_SCHEMA),
  }, { repeated: true }),
  wal: blk('wal', {
    maxKeepaliveTime: attr('max_keepalive_time', 'duration'),
    minKeepaliveTime: attr('min_keepalive_time', 'duration'),
    truncateFrequency: attr('truncate_frequency', 'duration'),
  }),
};

/** `prometheus.remote_write`: writes samples to a WAL and sends them by remote write. */
export class PrometheusRemoteWrite extends AlloyComponent {
  /** Alloy's name, stability and the schema of the body. */
  public static readonly DEFINITION: ComponentDefinition = { name: 'prometheus.remote_write', stability: 'generally-available', schema: SCHEMA };

  /** Accepts Prometheus metrics. */
  public readonly receiver: MetricsReceiver;

  public constructor(scope: Construct, id: string, props: PrometheusRemoteWriteProps = {}) {
    super(scope, id, PrometheusRemoteWrite.DEFINITION, props);
    this.receiver = new MetricsReceiver(this.exportPath('receiver'), this);
  }
}
