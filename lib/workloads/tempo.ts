/**
 * Tempo in single-binary mode: receives OTLP traces, stores them, answers queries on 3200.
 *
 * What it accepts follows what its senders may send (recorded where each collector's exporter
 * is made, BacklogSenders):
 * - the late-span window: spans replayed after an outage are hours old. Outside
 *   `storage.trace.wal.ingestion_time_range_slack` their blocks are stamped with the arrival
 *   time, so a search over their real time misses them (tempodb/encoding/common/slackTimeRange.go);
 *   outside `metrics_generator.metrics_ingestion_time_range_slack` they are left out of span
 *   metrics and service graphs (modules/generator/instance.go). Both are set to the oldest
 *   backlog a sender may replay, with a margin, and searches ask the ingesters that far back
 *   (`query_frontend.search.query_ingesters_until`).
 * - the request size: the OTLP gRPC receiver's `max_recv_msg_size_mib` is set explicitly and
 *   the exporters cut their batches below it; a larger message is refused with
 *   ResourceExhausted, which the exporter does not retry.
 * - rate limits: a replay outruns the ingestion rate limit, and Tempo refuses with
 *   ResourceExhausted; `distributor.retry_after_on_resource_exhausted` adds the RetryInfo that
 *   makes the exporter retry instead of dropping the batch (modules/distributor/receiver/shim.go).
 */
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { Lazy } from 'cdk8s';
import { Volume, VolumeMount } from '../../imports/k8s';
import { AlloyConfig, SecretKey, TracesConsumer } from '../alloy';
import { BacklogSenders, Destination, ITracesDestination, acceptanceWindow, retentionProblems } from '../pipelines';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { GrafanaDatasource, IDatasource } from './datasource';
import { tempoObjectStore } from './object-storage';
import { GRPC_PORT, MEMBERLIST_PORT, ScaleOutPeers, ScaleOutProps, expandEnvArgs, renderedPlaceholderProblems, scaleOutPlan, scaleOutWorkloadProps } from './scale-out';
import { durationText, goDuration, parseDuration } from '../validation';
import { ServerWorkload, ServerWorkloadProps } from './server-workload';
import { Connections, Peer } from './connections';
import { IRemoteWriteReceiver } from './prometheus';
import { IMAGES } from './versions';

/**
 * Tempo's props. On object storage (`objectStorage`) Tempo runs as a StatefulSet; with more
 * than one replica as a scalable single binary whose replicas form one ring over memberlist
 * (see ScaleOutProps).
 */
export interface TempoProps extends WorkloadProps, ScaleOutProps {
  /**
   * How long traces are kept (compactor block retention). A duration as every duration prop
   * takes it: whole numbers with y, w, d, h, m, s, ms, such as "7d" or "168h"; Tempo reads
   * Go durations, so days and weeks are written as hours ("7d" becomes "168h").
   *
   * @default "168h" (7 days)
   */
  readonly retention?: string;
  /** Size of the data volume (blocks, WAL, metrics-generator WAL; on object storage, each replica's WAL). @default "10Gi" */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * Where the metrics generator sends service-graph and span metrics, with exemplars.
   *
   * @default - no metrics generator
   */
  readonly metricsGenerator?: IRemoteWriteReceiver;
  /**
   * How late a span may arrive and still be found by a search over its own time and counted
   * by the metrics generator (both ingestion slacks), such as "2h" or "1d" (y, w, d, h, m, s,
   * ms; rendered as a Go duration). Set shorter than a sender's backlog, synth fails.
   *
   * @default - the oldest backlog of the collectors that send here (their traces queue at its
   * stated rate), at least Tempo's own 2m
   */
  readonly lateSpanWindow?: string;
  /**
   * The largest OTLP gRPC message the receiver takes, in MiB (`max_recv_msg_size_mib`); the
   * exporters that send here cut their batches below it.
   *
   * @default 4 - gRPC's default, stated
   */
  readonly maxRequestMib?: number;
}

const HTTP_PORT = 3200;
const OTLP_GRPC_PORT = 4317;
const OTLP_HTTP_PORT = 4318;
const DATA = '/var/tempo';
/** Secrets of the metrics generator's remote write, mounted read-only, one folder per Secret. */
const SECRETS_DIR = '/etc/tempo-secrets';
/** Tempo's default burst (overrides.defaults.ingestion.burst_size_bytes, modules/overrides/config.go): a request over it is refused for good. */
const BURST_SIZE_BYTES = 20e6;
/** Tempo's WAL ingestion slack default (tempodb/wal/wal.go). */
const DEFAULT_SLACK_SECONDS = 120;

export class Tempo extends Construct implements ITracesDestination, IDatasource {
  public readonly workload: ServerWorkload;
  /** `tempo:4317`: where OTLP gRPC traces go. */
  public readonly otlpGrpcEndpoint: string;
  /** `http://tempo:3200`: the query API. */
  public readonly queryUrl: string;
  /** `tempo:3200`, where Tempo serves its own metrics; on object storage the headless `tempo-memberlist:3200`, every replica. */
  public readonly metricsAddress: string;
  /** Whether `metricsAddress` is a headless Service whose every pod is scraped (on object storage). */
  public readonly metricsEveryPod: boolean;
  /** On object storage: the headless Service and ServiceAccount of the replicas. */
  public readonly peers?: ScaleOutPeers;
  public readonly datasource: GrafanaDatasource;
  public readonly datasourcePeer: { readonly peer: Peer; readonly port: number };
  /** The collectors that send here, with the backlog each may replay. */
  public readonly senders = new BacklogSenders();
  /** The largest OTLP gRPC message the receiver takes, in bytes. */
  public readonly maxRequestBytes: number;
  private readonly destination: ITracesDestination;
  private readonly lateSpanWindowProp?: { readonly text: string; readonly seconds: number };

  public constructor(scope: Construct, id: string, props: TempoProps) {
    super(scope, id);
    const retention = props.retention ?? '168h';
    const retentionSeconds = parseDuration(this.node.path, 'retention', retention) / 1000;
    // Tempo reads Go durations: "7d" is written "168h"
    const blockRetention = goDuration(this.node.path, 'retention', retention);
    if (props.lateSpanWindow !== undefined) {
      this.lateSpanWindowProp = { text: props.lateSpanWindow, seconds: parseDuration(this.node.path, 'lateSpanWindow', props.lateSpanWindow) / 1000 };
    }
    const mib = props.maxRequestMib ?? 4;
    // a batch cut below the limit must also pass the ingestion burst, or it is refused for good
    if (!Number.isInteger(mib) || mib < 1 || mib * 2 ** 20 > BURST_SIZE_BYTES) {
      throw new Error(
        `${this.node.path}: maxRequestMib must be a whole number of MiB from 1 to ${Math.floor(BURST_SIZE_BYTES / 2 ** 20)} (got ${mib}); ` +
        `a request over Tempo's ingestion burst (${BURST_SIZE_BYTES / 1e6} MB) is refused and not retried`,
      );
    }
    this.maxRequestBytes = mib * 2 ** 20;
    const slack = () => durationText(this.lateWindow().seconds);
    const name = props.name ?? 'tempo';
    const plan = scaleOutPlan(this.node.path, props, name, props.namespace);
    const store = plan && tempoObjectStore(plan.storage);
    // `-target=all` forces an in-memory ring of one ingester (cmd/tempo/main.go@v2.10.8:200-215):
    // replicas that share the work run the scalable single binary, which rings over memberlist
    const clustered = plan !== undefined && plan.replicas > 1;
    // a remote-write receiver with a tenant and credentials (an external Mimir): the tenant as a
    // header, each secret a file mounted from its Secret, never a value in the ConfigMap
    const generator = generatorWrite(this.node.path, props.metricsGenerator);
    const generatorAuth = generator.settings;
    const config = () => ({
      stream_over_http_enabled: true,
      server: { http_listen_port: HTTP_PORT, ...(clustered ? { grpc_listen_port: GRPC_PORT } : {}), log_level: 'info', log_format: 'logfmt' },
      ...(plan === undefined || !clustered ? {} : {
        memberlist: { bind_port: MEMBERLIST_PORT, join_members: [`dns+${plan.peersHost}:${MEMBERLIST_PORT}`] },
        // required outside `all`: the queriers take their jobs from every replica's frontend, found
        // by resolving the headless Service (modules.go@v2.10.8:455-460, querier/worker/worker.go:126)
        querier: { frontend_worker: { frontend_address: `${plan.peersHost}:${GRPC_PORT}` } },
        // copies of each trace in the ingesters until flushed to the store: three survive one
        // replica down; more than the replicas could never be placed (Tempo's default is 1)
        ingester: { lifecycler: { ring: { replication_factor: plan.replicationFactor } } },
      }),
      distributor: {
        receivers: {
          otlp: {
            protocols: {
              grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}`, max_recv_msg_size_mib: mib },
              http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` },
            },
          },
        },
        // rate-limited requests carry RetryInfo, so the exporter retries them (a replay after an
        // outage outruns the rate limit) instead of dropping them as permanent
        retry_after_on_resource_exhausted: '5s',
      },
      compactor: { compaction: { block_retention: blockRetention } },
      // searches ask the ingesters as far back as a replayed span may be, so one not yet flushed
      // is found over its own time (the frontend's default stops at 30m: modules/frontend/config.go)
      query_frontend: { search: { query_ingesters_until: durationText(Math.max(30 * 60, this.lateWindow().seconds)) } },
      ...(props.metricsGenerator === undefined ? {} : {
        metrics_generator: {
          // replayed spans still count in span metrics and service graphs
          metrics_ingestion_time_range_slack: slack(),
          registry: { external_labels: { source: 'tempo' } },
          storage: {
            path: `${DATA}/generator/wal`,
            remote_write: [{ url: props.metricsGenerator.remoteWriteUrl, send_exemplars: true, ...generatorAuth }],
          },
          traces_storage: { path: `${DATA}/generator/traces` },
        },
        // exemplars carry trace_id, the label Grafana's Prometheus data source links to Tempo by
        overrides: { defaults: { metrics_generator: { processors: ['service-graphs', 'span-metrics'], trace_id_label_name: 'trace_id' } } },
      }),
      storage: {
        trace: {
          backend: store?.backend ?? 'local',
          // replayed spans keep their own time in the block's time range, so searches find them
          wal: { path: `${DATA}/wal`, ingestion_time_range_slack: slack() },
          ...(store === undefined ? { local: { path: `${DATA}/blocks` } } : { [store.backend]: store.block }),
        },
      },
      usage_report: { reporting_enabled: false },
    });
    const data = { mountPath: DATA, size: props.storageSize ?? '10Gi', storageClassName: props.storageClassName };
    const image = props.image ?? IMAGES.tempo;
    const instance = props.instance ?? DEFAULT_INSTANCE;
    const render = () => dump(config(), { lineWidth: -1 });
    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name,
      instance,
      component: 'traces-backend',
      image,
      args: [
        '-config.file=/etc/tempo/tempo.yaml',
        ...(plan === undefined ? [] : [clustered ? '-target=scalable-single-binary' : '-target=all', ...expandEnvArgs(plan)]),
      ],
      ports: [
        { name: 'http', port: HTTP_PORT, appProtocol: 'http' },
        { name: 'otlp-grpc', port: OTLP_GRPC_PORT, appProtocol: 'grpc' },
        { name: 'otlp-http', port: OTLP_HTTP_PORT, appProtocol: 'http' },
        ...(clustered ? [{ name: 'grpc', port: GRPC_PORT, appProtocol: 'grpc', onService: false }, { name: 'memberlist', port: MEMBERLIST_PORT, onService: false }] : []),
      ],
      readiness: { path: '/ready', port: 'http' },
      runAs: { uid: 10001, gid: 10001 },
      resources: props.resources ?? { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '2Gi' } },
      configFiles: { mountPath: '/etc/tempo', data: { 'tempo.yaml': Lazy.any({ produce: render }) } },
      ...withGeneratorVolumes(plan === undefined ? { controller: { kind: 'Deployment', storage: data } } : scaleOutWorkloadProps(plan, data), generator.volumes),
    });
    if (plan !== undefined) {
      this.peers = new ScaleOutPeers(this, 'peers', {
        plan, workload: this.workload, image, instance, component: 'traces-backend', http: { name: 'http', port: HTTP_PORT }, clustered,
      });
    }
    this.otlpGrpcEndpoint = `${this.workload.host}:${OTLP_GRPC_PORT}`;
    this.metricsAddress = `${plan === undefined ? this.workload.host : plan.serviceName}:${HTTP_PORT}`;
    this.metricsEveryPod = plan !== undefined;
    this.queryUrl = `http://${this.workload.host}:${HTTP_PORT}`;
    this.destination = Destination.otlpGrpc({
      name: 'tempo', endpoint: this.otlpGrpcEndpoint, insecure: true, maxRequestBytes: this.maxRequestBytes, senders: this.senders,
      onUse: (config, exporter) => Connections.of(this).allowComponent(config, exporter, this.workload.peer, OTLP_GRPC_PORT),
    });
    // the metrics generator writes to its target
    if (props.metricsGenerator?.remoteWritePeer !== undefined) {
      Connections.of(this).allow(this.workload.peer, props.metricsGenerator.remoteWritePeer.peer, props.metricsGenerator.remoteWritePeer.port);
    } else if (props.metricsGenerator !== undefined) {
      // outside the stack (an external Mimir): its URL's port, in another namespace or outside the cluster
      const u = new URL(props.metricsGenerator.remoteWriteUrl);
      Connections.of(this).allowExternal(this.workload.peer, u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80, 'anywhere');
    }
    this.node.addValidation({
      validate: () => {
        const w = this.lateWindow();
        return [
          ...w.problems,
          ...retentionProblems(this.node.path, { text: retention, seconds: retentionSeconds }, { prop: 'late-span window', seconds: w.seconds }),
          ...renderedPlaceholderProblems(this.node.path, 'tempo.yaml', plan, render),
        ];
      },
    });
    this.datasourcePeer = { peer: this.workload.peer, port: HTTP_PORT };
    this.datasource = {
      name: 'Tempo',
      type: 'tempo',
      uid: 'tempo',
      url: this.queryUrl,
      signal: 'traces',
    };
  }

  public tracesInput(config: AlloyConfig): TracesConsumer {
    return this.destination.tracesInput(config);
  }

  /** The late-span window in seconds: as set, or derived from the senders' backlogs. */
  public get lateSpanWindowSeconds(): number {
    return this.lateWindow().seconds;
  }

  private lateWindow(): { seconds: number; problems: string[] } {
    return acceptanceWindow(this.node.path, 'lateSpanWindow', this.lateSpanWindowProp, DEFAULT_SLACK_SECONDS, this.senders);
  }
}

/**
 * The metrics generator's remote-write settings for a receiver with a tenant or credentials
 * (an external Mimir): the tenant as `X-Scope-OrgID`, a password or token as a file of its
 * Secret (`password_file`, `credentials_file`), and the Secrets' volumes.
 */
function generatorWrite(subject: string, receiver: IRemoteWriteReceiver | undefined): {
  settings: Record<string, unknown>;
  volumes: Array<{ volume: Volume; mount: VolumeMount }>;
} {
  const c = receiver?.remoteWriteCredentials;
  if (c?.basicAuth && c.bearerToken) {
    throw new Error(`${subject}: the metrics generator's receiver has both bearerToken and basicAuth; give it one kind of credentials`);
  }
  const secrets: SecretKey[] = [...(c?.basicAuth ? [c.basicAuth.password] : []), ...(c?.bearerToken ? [c.bearerToken] : [])];
  for (const ref of secrets) {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref.name) || !/^[-._a-zA-Z0-9]+$/.test(ref.key)) {
      throw new Error(
        `${subject}: invalid Secret reference of the metrics generator's receiver (got name ${JSON.stringify(ref.name)}, key ${JSON.stringify(ref.key)}); ` +
        'use a Secret name like "mimir-credentials" and a key of letters, digits, "-", "_" and "."',
      );
    }
  }
  const file = (ref: SecretKey) => `${SECRETS_DIR}/${ref.name}/${ref.key}`;
  const tenant = receiver?.remoteWriteTenant;
  return {
    settings: {
      ...(tenant === undefined ? {} : { headers: { 'X-Scope-OrgID': tenant } }),
      ...(c?.basicAuth ? { basic_auth: { username: c.basicAuth.username, password_file: file(c.basicAuth.password) } } : {}),
      ...(c?.bearerToken ? { authorization: { type: 'Bearer', credentials_file: file(c.bearerToken) } } : {}),
    },
    volumes: [...new Set(secrets.map((s) => s.name))].sort().map((name, i) => ({
      volume: { name: `secret-${i}`, secret: { secretName: name, defaultMode: 0o440 } },
      mount: { name: `secret-${i}`, mountPath: `${SECRETS_DIR}/${name}`, readOnly: true },
    })),
  };
}

/** The workload's volumes with the metrics generator's Secret files beside the store's. */
function withGeneratorVolumes<P extends { readonly extraVolumes?: ServerWorkloadProps['extraVolumes'] }>(props: P, volumes: NonNullable<ServerWorkloadProps['extraVolumes']>): P {
  const all = [...(props.extraVolumes ?? []), ...volumes];
  return all.length === 0 ? props : { ...props, extraVolumes: all };
}
