/**
 * Where pipelines send data, by signal. A destination hands each config the component that
 * writes to it, created once per config, so several pipelines share one exporter (one queue,
 * one WAL) per backend.
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { LokiWrite } from '../../imports/alloy/components/loki-write';
import { OtelcolAuthBasic } from '../../imports/alloy/components/otelcol-auth-basic';
import { OtelcolAuthBearer } from '../../imports/alloy/components/otelcol-auth-bearer';
import { OtelcolExporterLoki } from '../../imports/alloy/components/otelcol-exporter-loki';
import { OtelcolExporterOtlp } from '../../imports/alloy/components/otelcol-exporter-otlp';
import { OtelcolExporterOtlphttp } from '../../imports/alloy/components/otelcol-exporter-otlphttp';
import { OtelcolProcessorTransform } from '../../imports/alloy/components/otelcol-processor-transform';
import { OtelcolReceiverLoki } from '../../imports/alloy/components/otelcol-receiver-loki';
import { PrometheusRemoteWrite } from '../../imports/alloy/components/prometheus-remote-write';
import {
  AlloyConfig, AuthHandler, LogsConsumer, LogsReceiver, MetricsConsumer, MetricsReceiver, SecretKey, TracesConsumer, assertIdentifier,
} from '../alloy';
import { BacklogKind, BacklogSenders } from './backlog';
import { DurableQueue } from './durable-queue';

/**
 * The labels the Kubernetes log pipelines set (PodLogs, NodeLogs, ClusterEvents). Sent to
 * Loki over OTLP they become resource attributes of these names, which the Loki construct
 * indexes as labels; `service.name` is the `app` label, else the `job`.
 */
export const LOKI_LABELS: readonly string[] = ['namespace', 'pod', 'container', 'node', 'app', 'job'];

/**
 * OTTL (log context): `otelcol.receiver.loki` makes each Loki label a log record attribute,
 * and Loki's OTLP endpoint makes stream labels only of resource attributes. So each of
 * LOKI_LABELS moves to the resource (every converted entry has a resource of its own), and
 * `service.name` is set, or Loki would file every line under "unknown_service".
 */
function labelsToResource(): string[] {
  const attr = (k: string) => `attributes[${JSON.stringify(k)}]`;
  const res = (k: string) => `resource.attributes[${JSON.stringify(k)}]`;
  return [
    ...LOKI_LABELS.map((k) => `set(${res(k)}, ${attr(k)}) where ${attr(k)} != nil`),
    `set(${res('service.name')}, ${attr('app')}) where ${attr('app')} != nil`,
    `set(${res('service.name')}, ${attr('job')}) where ${res('service.name')} == nil and ${attr('job')} != nil`,
    `delete_matching_keys(attributes, ${JSON.stringify(`^(${LOKI_LABELS.join('|')}|loki\\.attribute\\.labels)$`)})`,
  ];
}

/** Somewhere to send traces. */
export interface ITracesDestination {
  /** The consumer, in `config`, that sends traces here. */
  tracesInput(config: AlloyConfig): TracesConsumer;
}

/** Somewhere to send Prometheus metrics. */
export interface IMetricsDestination {
  /** The receiver, in `config`, that sends metrics here. */
  metricsReceiver(config: AlloyConfig): MetricsReceiver;
  /**
   * The OpenTelemetry input, in `config`, that sends OTLP metrics here as they are (a
   * backend with an OTLP receiver). Without it, OTLP metrics are converted by
   * `otelcol.exporter.prometheus` and sent through `metricsReceiver`.
   *
   * @default - converted, then metricsReceiver
   */
  metricsInput?(config: AlloyConfig): MetricsConsumer;
}

/** Somewhere to send logs. */
export interface ILogsDestination {
  /** The OpenTelemetry input, in `config`, that sends logs here. */
  logsInput(config: AlloyConfig): LogsConsumer;
  /** A Loki-format receiver, in `config`, that sends logs here (for `loki.*` components). */
  logsReceiver(config: AlloyConfig): LogsReceiver;
  /**
   * Where Alloy's own logs go, when that path must differ from `logsReceiver` (an in-memory
   * queue, so a full disk queue's errors do not feed the full queue).
   *
   * @default - logsReceiver
   */
  selfLogsReceiver?(config: AlloyConfig): LogsReceiver;
}

/** Credentials of a destination, always from a Kubernetes Secret (never a literal). */
export interface DestinationCredentials {
  /** A bearer token. @default - none */
  readonly bearerToken?: SecretKey;
  /** Basic auth. @default - none */
  readonly basicAuth?: { readonly username: string; readonly password: SecretKey };
}

/** Where a destination's exporters are recorded: for the backend's windows and its connections. */
export interface DestinationSenders {
  /**
   * Each config that sends here is recorded with the backlog it may replay (see
   * BacklogSenders). The backend's construct passes its own.
   *
   * @default - not recorded
   */
  readonly senders?: BacklogSenders;
  /**
   * Called with each config and the exporter component it sends here with, every time a
   * config asks for the destination: the backend records the connection (for its
   * NetworkPolicies) where it is made.
   *
   * @default - nothing recorded
   */
  readonly onUse?: (config: AlloyConfig, exporter: Construct) => void;
}

/** An OTLP gRPC endpoint for traces. */
export interface OtlpGrpcDestinationProps extends DestinationSenders {
  /** Label of the exporter component in config.alloy; a valid Alloy identifier. */
  readonly name: string;
  /** `host:port`, such as `tempo:4317`. */
  readonly endpoint: string;
  /** Send in plain text (inside the cluster). @default false */
  readonly insecure?: boolean;
  /** The tenant (`X-Scope-OrgID`) of a multi-tenant backend, such as Tempo with auth on. @default - no tenant */
  readonly tenantId?: string;
  /** @default - no credentials */
  readonly credentials?: DestinationCredentials;
  /**
   * The largest gRPC message the receiver takes, in bytes: batches from the disk queue are cut
   * below it, since a larger one is refused (ResourceExhausted) and not retried.
   *
   * @default 4194304 - gRPC's default limit (4 MiB)
   */
  readonly maxRequestBytes?: number;
}

/** An OTLP HTTP endpoint for traces. */
export interface OtlpHttpDestinationProps extends DestinationSenders {
  /** Label of the exporter component in config.alloy; a valid Alloy identifier. */
  readonly name: string;
  /** The OTLP base URL, such as `https://tempo.example.com:4318` (the exporter adds `/v1/traces`). */
  readonly url: string;
  /** The tenant (`X-Scope-OrgID`) of a multi-tenant backend, such as Tempo with auth on. @default - no tenant */
  readonly tenantId?: string;
  /** @default - no credentials */
  readonly credentials?: DestinationCredentials;
  /**
   * The largest request body the receiver takes, in bytes: batches from the disk queue are cut
   * below it.
   *
   * @default 4194304 - 4 MiB
   */
  readonly maxRequestBytes?: number;
}

/** Prometheus's OTLP receiver (`--web.enable-otlp-receiver`). */
export interface PrometheusOtlpDestinationProps extends DestinationSenders {
  /** Label of the exporter component; a valid Alloy identifier. */
  readonly name: string;
  /** The OTLP base URL, such as `http://prometheus:9090/api/v1/otlp` (the exporter adds `/v1/metrics`). */
  readonly url: string;
  /** The largest request body the receiver takes, in bytes (decompressed). */
  readonly maxRequestBytes: number;
  /** The tenant (`X-Scope-OrgID`) of a multi-tenant backend, such as Mimir. @default - no tenant */
  readonly tenantId?: string;
  /** @default - no credentials */
  readonly credentials?: DestinationCredentials;
}

/** A Prometheus remote-write endpoint. */
export interface RemoteWriteDestinationProps extends DestinationSenders {
  /** Label of the `prometheus.remote_write` component; a valid Alloy identifier. */
  readonly name: string;
  /** Such as `http://prometheus:9090/api/v1/write`. */
  readonly url: string;
  /** The tenant (`X-Scope-OrgID`) of a multi-tenant backend, such as Mimir. @default - no tenant */
  readonly tenantId?: string;
  /** @default - no credentials */
  readonly credentials?: DestinationCredentials;
}

/** Loki's OTLP endpoint. */
export interface LokiOtlpDestinationProps extends DestinationSenders {
  /** Label of the exporter component; a valid Alloy identifier. */
  readonly name: string;
  /** Loki's OTLP base URL, such as `http://loki:3100/otlp` (the exporter adds `/v1/logs`). */
  readonly url: string;
  /** The tenant (`X-Scope-OrgID`) when Loki runs with auth enabled. @default - no tenant */
  readonly tenantId?: string;
  /** @default - no credentials */
  readonly credentials?: DestinationCredentials;
  /**
   * The largest request Loki takes whole, in bytes of OTLP protobuf: batches from the disk
   * queue are cut below it. Loki refuses a push over its tenant burst with 429 and the
   * exporter retries it for ever (see the Loki construct, which derives it).
   *
   * @default 4194304 - 4 MiB: Loki's internal gRPC limit between distributor and ingester (keep
   * it well below that and the burst: structured metadata makes a push larger than its OTLP bytes)
   */
  readonly maxRequestBytes?: number;
}

/** A Loki push endpoint. */
export interface LokiPushDestinationProps {
  /** Label of the `loki.write` component; a valid Alloy identifier. */
  readonly name: string;
  /** Such as `http://loki:3100/loki/api/v1/push`. */
  readonly url: string;
  /** The tenant (`X-Scope-OrgID`) when Loki runs with auth enabled. @default - no tenant */
  readonly tenantId?: string;
  /** @default - no credentials */
  readonly credentials?: DestinationCredentials;
}

/** Factories of destinations. */
export class Destination {
  /**
   * Traces sent by `otelcol.exporter.otlp` to an OTLP gRPC endpoint; with the config's
   * DurableQueue, through a queue on disk that retries while it has room.
   */
  public static otlpGrpc(props: OtlpGrpcDestinationProps): ITracesDestination {
    checkDestination('otlpGrpc', props.name, props.endpoint, /^[^\s/:]+:[0-9]+$/, 'host:port, such as "tempo:4317"');
    const { senders: _s, onUse: _u, ...settings } = props;
    return {
      tracesInput: (config) => used(config, 'traces', props, once(config, `otlp_${props.name}`, settings, OtelcolExporterOtlp, (scope, id) => new OtelcolExporterOtlp(scope, id, {
          label: props.name,
          client: {
            endpoint: props.endpoint,
            tls: props.insecure ? { insecure: true } : undefined,
            headers: tenantHeader(props.tenantId),
            auth: authHandler(config, scope, props.name, props.credentials),
          },
          ...DurableQueue.of(config)?.exporterSettings({
            exporter: `otelcol.exporter.otlp.${props.name}`, signal: 'traces', maxRequestBytes: props.maxRequestBytes ?? GRPC_DEFAULT_MAX_BYTES, waitForRoom: false,
          }),
        }))).input,
    };
  }

  /**
   * Traces sent by `otelcol.exporter.otlphttp` to an OTLP HTTP endpoint; with the config's
   * DurableQueue, through a queue on disk that retries while it has room.
   */
  public static otlpHttp(props: OtlpHttpDestinationProps): ITracesDestination {
    checkDestination('otlpHttp', props.name, props.url, /^https?:\/\/\S+$/, 'an http(s) URL, such as "https://tempo.example.com:4318"');
    const { senders: _s, onUse: _u, ...settings } = props;
    return {
      tracesInput: (config) => used(config, 'traces', props, once(config, `otlphttp_${props.name}`, settings, OtelcolExporterOtlphttp, (scope, id) => new OtelcolExporterOtlphttp(scope, id, {
          label: props.name,
          client: { endpoint: props.url, headers: tenantHeader(props.tenantId), auth: authHandler(config, scope, props.name, props.credentials) },
          ...DurableQueue.of(config)?.exporterSettings({
            exporter: `otelcol.exporter.otlphttp.${props.name}`, signal: 'traces', maxRequestBytes: props.maxRequestBytes ?? GRPC_DEFAULT_MAX_BYTES, waitForRoom: false,
          }),
        }))).input,
    };
  }

  /**
   * Metrics sent by `prometheus.remote_write`; with the config's DurableQueue, its WAL keeps
   * unsent samples for the promised outage.
   */
  public static remoteWrite(props: RemoteWriteDestinationProps): IMetricsDestination {
    checkDestination('remoteWrite', props.name, props.url, /^https?:\/\/\S+$/, 'an http(s) URL, such as "http://prometheus:9090/api/v1/write"');
    const { senders: _s, onUse: _u, ...settings } = props;
    const writerOf = (config: AlloyConfig): PrometheusRemoteWrite =>
      once(config, `remote_write_${props.name}`, settings, PrometheusRemoteWrite, (scope, id) => {
        const durable = DurableQueue.of(config);
        const c = props.credentials;
        checkCredentials(props.name, c);
        return new PrometheusRemoteWrite(scope, id, {
          label: props.name,
          endpoint: [{
            url: props.url,
            headers: tenantHeader(props.tenantId),
            bearerToken: c?.bearerToken && config.secretEnv(c.bearerToken),
            basicAuth: c?.basicAuth && { username: c.basicAuth.username, password: config.secretEnv(c.basicAuth.password) },
          }],
          wal: durable ? { maxKeepaliveTime: durable.metricsWalKeepalive, truncateFrequency: durable.metricsWalTruncateFrequency } : undefined,
        });
      });
    return { metricsReceiver: (config) => used(config, 'remote-write', props, writerOf(config)).receiver };
  }

  /**
   * Logs sent by `otelcol.exporter.otlphttp` to Loki's OTLP endpoint; with the config's
   * DurableQueue, through a queue on disk that retries while it has room. Loki-format logs
   * (Alloy's own) enter through an `otelcol.receiver.loki`.
   */
  public static lokiOtlp(props: LokiOtlpDestinationProps): ILogsDestination {
    checkDestination('lokiOtlp', props.name, props.url, /^https?:\/\/\S+$/, 'an http(s) URL, such as "http://loki:3100/otlp"');
    const { senders: _s, onUse: _u, ...settings } = props;
    const client = (config: AlloyConfig, scope: Construct, authName: string) => ({
      endpoint: props.url,
      headers: tenantHeader(props.tenantId),
      auth: authHandler(config, scope, authName, props.credentials),
    });
    const exporter = (config: AlloyConfig, label: string, waitForRoom: boolean): LogsConsumer => used(config, 'logs', props,
      once(config, `otlphttp_${label}`, settings, OtelcolExporterOtlphttp, (scope, id) => new OtelcolExporterOtlphttp(scope, id, {
        label,
        client: client(config, scope, label),
        ...DurableQueue.of(config)?.exporterSettings({
          exporter: `otelcol.exporter.otlphttp.${label}`, signal: 'logs', maxRequestBytes: props.maxRequestBytes ?? LOKI_DEFAULT_MAX_BYTES, waitForRoom,
        }),
      }))).input;
    // OTLP senders: a full queue refuses their request, and they retry
    const logsInput = (config: AlloyConfig): LogsConsumer => exporter(config, props.name, false);
    // Alloy's own logs (the logging block's write_to) take their own exporter with an in-memory
    // queue: through the disk queue, a full queue's error logs would feed the full queue again
    // not a sender of a backlog (no disk queue), but a connection to record
    const selfInput = (config: AlloyConfig): LogsConsumer => used(config, undefined, props,
      once(config, `otlphttp_${props.name}_own`, settings, OtelcolExporterOtlphttp, (scope, id) => new OtelcolExporterOtlphttp(scope, id, {
        label: `${props.name}_own_logs`,
        client: client(config, scope, `${props.name}_own_logs`),
      }))).input;
    return {
      logsInput,
      // loki.* sources (pod logs, events): converted, their labels made resource attributes
      // (Loki indexes those, see LOKI_LABELS), then through a disk queue of their own that waits
      // for room when full (block_on_overflow): otelcol.receiver.loki drops what its consumer
      // refuses (alloy internal/component/otelcol/receiver/loki/loki.go), while a waiting queue
      // holds the tailers back before they move their read positions on
      logsReceiver: (config) => once(config, `loki_to_otlp_${props.name}_data`, settings, OtelcolReceiverLoki, (scope, id) => new OtelcolReceiverLoki(scope, id, {
        label: `${props.name}_data`,
        output: {
          logs: [once(config, `loki_labels_${props.name}`, settings, OtelcolProcessorTransform, (s2, i) => new OtelcolProcessorTransform(s2, i, {
            label: `${props.name}_labels`,
            errorMode: 'ignore',
            logStatements: { context: 'log', statements: labelsToResource() },
            output: { logs: [exporter(config, `${props.name}_sources`, true)] },
          })).input],
        },
      })).receiver,
      // Alloy's own logs, labelled by the collector: their labels made resource attributes too
      selfLogsReceiver: (config) => once(config, `loki_to_otlp_${props.name}`, settings, OtelcolReceiverLoki, (scope, id) => new OtelcolReceiverLoki(scope, id, {
        label: props.name,
        output: {
          logs: [once(config, `loki_own_labels_${props.name}`, settings, OtelcolProcessorTransform, (s2, i) => new OtelcolProcessorTransform(s2, i, {
            label: `${props.name}_own_labels`,
            errorMode: 'ignore',
            logStatements: { context: 'log', statements: labelsToResource() },
            output: { logs: [selfInput(config)] },
          })).input],
        },
      })).receiver,
    };
  }

  /**
   * OTLP metrics sent as they are, by `otelcol.exporter.otlphttp`, to Prometheus's OTLP
   * receiver; with the config's DurableQueue, through a queue on disk that retries while it
   * has room and survives a restart (a remote-write WAL does not carry its backlog across one).
   */
  public static prometheusOtlp(props: PrometheusOtlpDestinationProps): Pick<IMetricsDestination, 'metricsInput'> {
    checkDestination('prometheusOtlp', props.name, props.url, /^https?:\/\/\S+$/, 'an http(s) URL, such as "http://prometheus:9090/api/v1/otlp"');
    const { senders: _s, onUse: _u, ...settings } = props;
    return {
      metricsInput: (config) => used(config, 'metrics', props, once(config, `otlphttp_${props.name}`, settings, OtelcolExporterOtlphttp, (scope, id) => new OtelcolExporterOtlphttp(scope, id, {
          label: props.name,
          client: { endpoint: props.url, headers: tenantHeader(props.tenantId), auth: authHandler(config, scope, props.name, props.credentials) },
          ...DurableQueue.of(config)?.exporterSettings({
            exporter: `otelcol.exporter.otlphttp.${props.name}`, signal: 'metrics', maxRequestBytes: props.maxRequestBytes, waitForRoom: false,
          }),
        }))).input,
    };
  }

  /** Logs sent by `loki.write` to Loki's push API (for a Loki without OTLP); OTel logs enter through `otelcol.exporter.loki`. */
  public static lokiPush(props: LokiPushDestinationProps): ILogsDestination {
    checkDestination('lokiPush', props.name, props.url, /^https?:\/\/\S+$/, 'an http(s) URL, such as "http://loki:3100/loki/api/v1/push"');
    checkCredentials(props.name, props.credentials);
    const logsReceiver = (config: AlloyConfig): LogsReceiver => once(config, `loki_write_${props.name}`, props, LokiWrite, (scope, id) => new LokiWrite(scope, id, {
      label: props.name,
      endpoint: [{
        url: props.url,
        tenantId: props.tenantId,
        bearerToken: props.credentials?.bearerToken && config.secretEnv(props.credentials.bearerToken),
        basicAuth: props.credentials?.basicAuth && { username: props.credentials.basicAuth.username, password: config.secretEnv(props.credentials.basicAuth.password) },
      }],
    })).receiver;
    return {
      logsReceiver,
      logsInput: (config) => once(config, `otel_to_loki_${props.name}`, props, OtelcolExporterLoki, (scope, id) => new OtelcolExporterLoki(scope, id, {
        label: props.name,
        forwardTo: [logsReceiver(config)],
      })).input,
    };
  }
}

/** The tenant header of a multi-tenant backend (Mimir, Loki, Tempo), when there is a tenant. */
function tenantHeader(tenantId: string | undefined): Record<string, string> | undefined {
  return tenantId === undefined ? undefined : { 'X-Scope-OrgID': tenantId };
}

function checkCredentials(name: string, c: DestinationCredentials | undefined): void {
  if (c?.bearerToken && c.basicAuth) {
    throw new Error(`Destination "${name}": both bearerToken and basicAuth are set; a destination takes one kind of credentials`);
  }
}

/**
 * Refuses a URL that carries credentials (`user:password@`, `?api_key=...`): it would be
 * written into config.alloy and dist/. The URL is not repeated in the message.
 */
export function assertNoCredentialsInUrl(subject: string, address: string): void {
  let url: URL | undefined;
  try {
    url = /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? new URL(address) : undefined;
  } catch {
    url = undefined;
  }
  const credentialParam = url !== undefined && [...url.searchParams.keys()].some((k) => /key|token|secret|pass|auth|signature|sig$/i.test(k));
  if (url !== undefined && (url.username !== '' || url.password !== '' || credentialParam)) {
    throw new Error(
      `${subject}: the URL carries credentials (in its user info or query), which would be written into config.alloy; ` +
      'remove them from the URL and pass credentials: { bearerToken } or { basicAuth } from a Kubernetes Secret',
    );
  }
}

/** An `otelcol.auth.*` handler for OTel exporters, reading the secret from the environment. */
function authHandler(config: AlloyConfig, scope: Construct, name: string, c: DestinationCredentials | undefined): AuthHandler | undefined {
  checkCredentials(name, c);
  if (c?.bearerToken) {
    return new OtelcolAuthBearer(scope, `auth_${name}`, { label: name, token: config.secretEnv(c.bearerToken) }).handler;
  }
  if (c?.basicAuth) {
    return new OtelcolAuthBasic(scope, `auth_${name}`, { label: name, username: c.basicAuth.username, password: config.secretEnv(c.basicAuth.password) }).handler;
  }
  return undefined;
}

function checkDestination(kind: string, name: string, address: string, pattern: RegExp, expected: string): void {
  assertIdentifier(`Destination.${kind}`, 'name', name);
  assertNoCredentialsInUrl(`Destination.${kind} "${name}"`, address);
  if (!pattern.test(address)) {
    throw new Error(`Destination.${kind} "${name}": invalid address (got ${JSON.stringify(address)}); use ${expected}`);
  }
}

/**
 * Records that `config` uses a destination through `exporter`: the backlog it may replay (of
 * `kind`, when it holds one) for the backend's windows, and the connection for its policies.
 */
function used<T extends Construct>(config: AlloyConfig, kind: BacklogKind | undefined, props: DestinationSenders, exporter: T): T {
  if (kind !== undefined) props.senders?.add(config, kind);
  props.onUse?.(config, exporter);
  return exporter;
}

/** gRPC's default receive limit (grpc-go server.go defaultServerMaxReceiveMessageSize). */
const GRPC_DEFAULT_MAX_BYTES = 4 * 2 ** 20;
/** Loki's default internal gRPC limit (dskit server grpc_server_max_recv_msg_size). */
const LOKI_DEFAULT_MAX_BYTES = 4 * 2 ** 20;

/** What each destination component was created from, to refuse a different one under the same name. */
const CREATED_FROM = new WeakMap<Construct, string>();

/**
 * The child `id` of `config`, created by `create` the first time it is asked for. Asked
 * again with other settings (another endpoint under the same name), it fails instead of
 * silently sending to the first one.
 */
function once<T extends Construct>(
  config: AlloyConfig,
  id: string,
  settings: object,
  type: abstract new (...args: never[]) => T,
  create: (scope: Construct, id: string) => T,
): T {
  const wanted = JSON.stringify(settings);
  const existing = config.node.tryFindChild(id);
  if (existing === undefined) {
    const created = create(config, id);
    CREATED_FROM.set(created, wanted);
    return created;
  }
  const had = CREATED_FROM.get(existing);
  if (!(existing instanceof type) || had === undefined) {
    throw new Error(
      `${config.node.path}: the id "${id}" that a destination needs is taken by another construct (${existing.node.path}); ` +
      'rename that construct or give the destination another name',
    );
  }
  if (had !== wanted) {
    throw new Error(
      `${config.node.path}: a destination named "${(settings as { name: string }).name}" already exists with ${had} (got ${wanted}); ` +
      'give destinations with different settings different names',
    );
  }
  return existing;
}
