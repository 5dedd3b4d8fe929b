/**
 * Loki in single-binary mode: receives log pushes, stores them with the TSDB index on the
 * filesystem, answers queries on 3100.
 *
 * What it accepts follows what its senders may send (recorded where each collector's exporter
 * is made, BacklogSenders), read in Loki 3.7.6:
 * - late entries: an entry more than `max_chunk_age / 2` behind its stream's newest is refused
 *   with a 400 that no exporter retries (pkg/ingester/stream.go). While one collector replays
 *   an outage's backlog another may already send the same streams' new lines, so
 *   `max_chunk_age` is twice the oldest backlog a sender may replay.
 * - queries: the querier asks the ingesters only for the last `query_ingesters_within`
 *   (pkg/querier/intervals.go), and chunks stay in memory up to `max_chunk_age` and longer for
 *   replayed entries, so it is set from `max_chunk_age` (the single binary also derives its own
 *   look-back from it, pkg/loki/modules.go calculateMaxLookBack).
 * - request size: a push whose entries pass the tenant burst or a stream's burst is refused
 *   with 429 for ever (the rate limiter's burst caps one request), and the distributor hands
 *   the whole request to the ingester over gRPC with a 4 MiB default limit, whose refusal comes
 *   back as a 503, also retried for ever (pkg/distributor/distributor.go). So the exporters cut
 *   their batches at an eighth of the smaller burst (structured metadata copied to every entry
 *   makes a push's entries larger than its OTLP bytes), and the gRPC limits are twice the burst.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { AlloyConfig, LogsConsumer, LogsReceiver } from '../alloy';
import { BacklogSenders, Destination, ILogsDestination, LOKI_LABELS, acceptanceWindow, retentionProblems } from '../pipelines';
import { durationText, parseDuration, parseSize } from '../validation';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { Connections, Peer } from './connections';
import { GrafanaDatasource, IDatasource } from './datasource';
import { lokiObjectStore } from './object-storage';
import { GRPC_PORT, MEMBERLIST_PORT, ScaleOutPeers, ScaleOutProps, expandEnvArgs, renderedPlaceholderProblems, scaleOutPlan, scaleOutWorkloadProps } from './scale-out';
import { ServerWorkload } from './server-workload';
import { IMAGES } from './versions';

/**
 * Loki's props. On object storage (`objectStorage`) Loki runs as a StatefulSet of `replicas`
 * monolithic pods (`-target=all`) that form one ring over memberlist; see ScaleOutProps.
 */
export interface LokiProps extends WorkloadProps, ScaleOutProps {
  /**
   * How long logs are kept (compactor retention), in whole days: a duration, whole numbers with y, w, d, h, m, s, ms,
   * such as "7d", "2w" or "168h" (Loki reads it as written).
   *
   * @default "168h" (7 days)
   */
  readonly retention?: string;
  /** Size of the data volume (chunks, index, WAL, compactor; on object storage, each replica's WAL and index cache). @default "10Gi" */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * Turn on multi-tenancy with this tenant: Loki runs with `auth_enabled: true`, Alloy's
   * writer sends it as `X-Scope-OrgID`, and Grafana's Loki data source queries it, all from
   * this one value.
   *
   * @default - auth off, one implicit tenant ("fake")
   */
  readonly tenant?: string;
  /** Per-tenant ingestion rate, in Loki's MB (MiB) per second. @default 8 */
  readonly ingestionRateMb?: number;
  /** Per-tenant burst, in Loki's MB (MiB: Loki multiplies by 1 << 20). @default 16 */
  readonly ingestionBurstSizeMb?: number;
  /** Longest line accepted; longer lines are refused. @default "256KB" */
  readonly maxLineSize?: string;
  /**
   * How far behind its stream's newest entry an entry may be and still be accepted
   * (`max_chunk_age` is twice this): a duration, whole numbers with y, w, d, h, m, s, ms, such as "2h" or "1d". Set
   * shorter than a sender's backlog, synth fails.
   *
   * @default - the oldest backlog of the collectors that send here (their logs queues at their
   * stated rate), at least Loki's own 1h (max_chunk_age 2h)
   */
  readonly lateLogWindow?: string;
}

const HTTP_PORT = 3100;
const DATA = '/loki';
/** Loki's `per_stream_rate_limit_burst` default, 15MB (pkg/validation/limits.go). */
const PER_STREAM_BURST_BYTES = 15 * 2 ** 20;
/** Loki's `reject_old_samples_max_age` default, 7d (pkg/validation/limits.go): older entries are refused. */
const REJECT_OLD_SAMPLES_SECONDS = 7 * 24 * 3600;
/** Loki's own window: its default max_chunk_age (2h) / 2. */
const DEFAULT_LATE_SECONDS = 3600;

export class Loki extends Construct implements ILogsDestination, IDatasource {
  public readonly workload: ServerWorkload;
  /** `http://loki:3100/loki/api/v1/push`. */
  public readonly pushUrl: string;
  /** `http://loki:3100/otlp`: the OTLP endpoint Alloy sends to. */
  public readonly otlpUrl: string;
  /** `loki:3100`, where Loki serves its own metrics; on object storage the headless `loki-memberlist:3100`, every replica. */
  public readonly metricsAddress: string;
  /** Whether `metricsAddress` is a headless Service whose every pod is scraped (on object storage). */
  public readonly metricsEveryPod: boolean;
  /** On object storage: the headless Service and ServiceAccount of the replicas. */
  public readonly peers?: ScaleOutPeers;
  /** `http://loki:3100`. */
  public readonly queryUrl: string;
  public readonly datasource: GrafanaDatasource;
  public readonly datasourcePeer: { readonly peer: Peer; readonly port: number };
  /** The namespace Loki runs in. */
  public readonly namespaceName: string;
  /** The tenant, when multi-tenancy is on. */
  public readonly tenant?: string;
  /** The collectors that send here, with the backlog each may replay. */
  public readonly senders = new BacklogSenders();
  /** The largest OTLP request the exporters send here, in bytes: an eighth of the smaller burst. */
  public readonly maxRequestBytes: number;
  private readonly destination: ILogsDestination;
  private readonly lateLogWindowProp?: { readonly text: string; readonly seconds: number };

  public constructor(scope: Construct, id: string, props: LokiProps) {
    super(scope, id);
    const retention = props.retention ?? '168h';
    const day = 24 * 3600e3;
    if (parseDuration(this.node.path, 'retention', retention) % day !== 0) {
      throw new Error(
        `${this.node.path}: retention must be whole days, a multiple of Loki's 24h index period (got ${JSON.stringify(retention)}); ` +
        'use a value such as "168h" or "30d"',
      );
    }
    const tenant = props.tenant;
    if (tenant !== undefined && !/^[A-Za-z0-9!._*'()-]{1,150}$/.test(tenant)) {
      throw new Error(
        `${this.node.path}: invalid tenant (got ${JSON.stringify(tenant)}); use up to 150 letters, digits and !._*'()- (Loki's tenant ID rules)`,
      );
    }
    const rate = props.ingestionRateMb ?? 8;
    const burst = props.ingestionBurstSizeMb ?? 16;
    for (const [what, v] of [['ingestionRateMb', rate], ['ingestionBurstSizeMb', burst]] as const) {
      if (!(v > 0) || !Number.isFinite(v)) {
        throw new Error(`${this.node.path}: ${what} must be a positive number (got ${v})`);
      }
    }
    const maxLineSize = props.maxLineSize ?? '256KB';
    parseSize(this.node.path, 'maxLineSize', maxLineSize, 'prometheus');
    if (props.lateLogWindow !== undefined) {
      this.lateLogWindowProp = { text: props.lateLogWindow, seconds: parseDuration(this.node.path, 'lateLogWindow', props.lateLogWindow) / 1000 };
    }
    // Loki reads ingestion_burst_size_mb as MiB (limits.go: * (1 << 20))
    const burstBytes = Math.floor(burst * 2 ** 20);
    // an eighth: Loki counts each line with its structured metadata, and copies every resource
    // attribute it does not index to every entry (pkg/loghttp/push/otlp.go), so a batch's entry
    // bytes can be several times its OTLP bytes
    this.maxRequestBytes = Math.floor(Math.min(burstBytes, PER_STREAM_BURST_BYTES) / 8);
    const maxChunkAge = () => 2 * this.lateWindow().seconds;
    const name = props.name ?? 'loki';
    const plan = scaleOutPlan(this.node.path, props, name, props.namespace);
    const store = plan && lokiObjectStore(plan.storage);
    const config = () => ({
      auth_enabled: tenant !== undefined,
      server: {
        http_listen_port: HTTP_PORT,
        grpc_listen_port: GRPC_PORT,
        // the distributor hands a whole push to the ingester over gRPC: room for any push the
        // burst lets through, structured metadata copied to every entry included
        grpc_server_max_recv_msg_size: 2 * burstBytes,
        grpc_server_max_send_msg_size: 2 * burstBytes,
        log_level: 'info',
        log_format: 'logfmt',
      },
      common: plan === undefined || store === undefined ? {
        instance_addr: '127.0.0.1',
        path_prefix: DATA,
        storage: { filesystem: { chunks_directory: `${DATA}/chunks`, rules_directory: `${DATA}/rules` } },
        replication_factor: 1,
        ring: { kvstore: { store: 'inmemory' } },
      } : {
        // each replica advertises its own address (the pod's interface), not 127.0.0.1
        path_prefix: DATA,
        storage: { [store.objectStore]: store.block },
        // copies of each stream in the ingesters until flushed to the store: three survive one
        // replica down (a write needs RF / 2 + 1 of them); more than the replicas could never be placed
        replication_factor: plan.replicationFactor,
        // every ring (ingesters, distributors, scheduler, compactor, ruler) over memberlist
        // (pkg/loki/config_wrapper.go@v3.7.6:204-217)
        ring: { kvstore: { store: 'memberlist' } },
      },
      ...(plan === undefined ? {} : {
        memberlist: { bind_port: MEMBERLIST_PORT, join_members: [`dns+${plan.peersHost}:${MEMBERLIST_PORT}`] },
      }),
      schema_config: {
        configs: [{
          from: '2024-01-01',
          store: 'tsdb',
          object_store: store?.objectStore ?? 'filesystem',
          schema: 'v13',
          index: { prefix: 'index_', period: '24h' },
        }],
      },
      limits_config: {
        retention_period: retention,
        ingestion_rate_mb: rate,
        ingestion_burst_size_mb: burst,
        max_line_size: maxLineSize,
        allow_structured_metadata: true,
        volume_enabled: true,
        // the Kubernetes log pipelines' labels arrive as resource attributes: index them
        otlp_config: { resource_attributes: { attributes_config: [{ action: 'index_label', attributes: [...LOKI_LABELS] }] } },
      },
      // entries up to max_chunk_age / 2 older than a stream's newest are accepted: twice the
      // oldest backlog a collector may replay
      ingester: { wal: { enabled: true, dir: `${DATA}/wal` }, max_chunk_age: durationText(maxChunkAge()) },
      // what is still in the ingesters' memory is found: chunks stay there up to max_chunk_age,
      // then until flushed and the index synced
      querier: { query_ingesters_within: durationText(maxChunkAge() + 3600) },
      ...(plan === undefined ? {} : {
        ruler: {
          // rule files stay where they are on one volume: the object store would otherwise take
          // the ruler's storage too (config_wrapper.go@v3.7.6:636-644), and an explicit type wins
          storage: { type: 'local', local: { directory: `${DATA}/rules` } },
          // one replica evaluates each rule group, not every replica all of them
          ...(plan.replicas > 1 ? { enable_sharding: true } : {}),
        },
      }),
      compactor: {
        working_directory: `${DATA}/compactor`,
        retention_enabled: true,
        // Loki refuses to start with retention and no delete-request store
        // (pkg/compactor/config.go@v3.7.6:107-110); one compactor runs, chosen by its ring
        delete_request_store: store?.objectStore ?? 'filesystem',
      },
      analytics: { reporting_enabled: false },
    });
    const data = { mountPath: DATA, size: props.storageSize ?? '10Gi', storageClassName: props.storageClassName };
    const image = props.image ?? IMAGES.loki;
    const instance = props.instance ?? DEFAULT_INSTANCE;
    const render = () => dump(config(), { lineWidth: -1 });
    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name,
      instance,
      component: 'logs-backend',
      image,
      // on object storage every replica runs every part of Loki (monolithic)
      args: ['-config.file=/etc/loki/loki.yaml', ...(plan === undefined ? [] : ['-target=all', ...expandEnvArgs(plan)])],
      ports: [
        { name: 'http', port: HTTP_PORT, appProtocol: 'http' },
        { name: 'grpc', port: GRPC_PORT, appProtocol: 'grpc' },
        ...(plan === undefined ? [] : [{ name: 'memberlist', port: MEMBERLIST_PORT, onService: false }]),
      ],
      readiness: { path: '/ready', port: 'http' },
      runAs: { uid: 10001, gid: 10001 },
      resources: props.resources ?? { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      configFiles: { mountPath: '/etc/loki', data: { 'loki.yaml': Lazy.any({ produce: render }) } },
      ...(plan === undefined ? { controller: { kind: 'Deployment', storage: data } } : scaleOutWorkloadProps(plan, data)),
    });
    if (plan !== undefined) {
      this.peers = new ScaleOutPeers(this, 'peers', {
        plan, workload: this.workload, image, instance, component: 'logs-backend', http: { name: 'http', port: HTTP_PORT }, clustered: true,
      });
    }
    this.queryUrl = `http://${this.workload.host}:${HTTP_PORT}`;
    this.pushUrl = `${this.queryUrl}/loki/api/v1/push`;
    this.otlpUrl = `${this.queryUrl}/otlp`;
    this.metricsAddress = `${plan === undefined ? this.workload.host : plan.serviceName}:${HTTP_PORT}`;
    this.metricsEveryPod = plan !== undefined;
    this.tenant = tenant;
    this.namespaceName = props.namespace;
    // OTLP, not the push API: logs then take the same disk-backed, never-giving-up queue as
    // traces (loki.write's WAL is experimental), and resource attributes arrive as structured metadata
    this.destination = this.destinationAt(this.otlpUrl);
    const retentionSeconds = parseDuration(this.node.path, 'retention', retention) / 1000;
    this.node.addValidation({
      validate: () => {
        const w = this.lateWindow();
        return [
          ...w.problems,
          ...retentionProblems(this.node.path, { text: retention, seconds: retentionSeconds }, { prop: 'late-entry window', seconds: w.seconds }),
          ...renderedPlaceholderProblems(this.node.path, 'loki.yaml', plan, render),
        ];
      },
    });
    this.datasourcePeer = { peer: this.workload.peer, port: HTTP_PORT };
    this.datasource = {
      name: 'Loki',
      type: 'loki',
      uid: 'loki',
      url: this.queryUrl,
      signal: 'logs',
      httpHeaders: tenant === undefined ? undefined : { 'X-Scope-OrgID': tenant },
    };
  }

  /**
   * This Loki as a destination for collectors in another namespace: the same endpoints, by
   * the Service's namespaced name.
   */
  public fromOtherNamespace(): ILogsDestination {
    return this.destinationAt(`http://${this.workload.host}.${this.namespaceName}.svc:${HTTP_PORT}/otlp`);
  }

  /** The late-entry window in seconds (max_chunk_age / 2): as set, or derived from the senders' backlogs. */
  public get lateLogWindowSeconds(): number {
    return this.lateWindow().seconds;
  }

  private destinationAt(url: string): ILogsDestination {
    return Destination.lokiOtlp({
      name: 'loki', url, tenantId: this.tenant, maxRequestBytes: this.maxRequestBytes, senders: this.senders,
      onUse: (config, exporter) => Connections.of(this).allowComponent(config, exporter, this.workload.peer, HTTP_PORT),
    });
  }

  private lateWindow(): { seconds: number; problems: string[] } {
    const w = acceptanceWindow(this.node.path, 'lateLogWindow', this.lateLogWindowProp, DEFAULT_LATE_SECONDS, this.senders);
    if (w.seconds > REJECT_OLD_SAMPLES_SECONDS) {
      w.problems.push(
        `${this.node.path}: the late-entry window (${durationText(w.seconds)}) is longer than Loki's reject_old_samples_max_age (7d), ` +
        'which refuses older entries; make the collectors\' logs queues smaller or state a higher ingest rate',
      );
    }
    return w;
  }

  public logsInput(config: AlloyConfig): LogsConsumer {
    return this.destination.logsInput(config);
  }

  public logsReceiver(config: AlloyConfig): LogsReceiver {
    return this.destination.logsReceiver(config);
  }

  public selfLogsReceiver(config: AlloyConfig): LogsReceiver {
    return this.destination.selfLogsReceiver!(config);
  }
}
