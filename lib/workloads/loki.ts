/**
 * Loki in single-binary mode: receives log pushes, stores them with the TSDB index on the
 * filesystem, answers queries on 3100.
 */
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { AlloyConfig, LogsConsumer, LogsReceiver } from '../alloy';
import { Destination, ILogsDestination, LOKI_LABELS } from '../pipelines';
import { parsePromDuration, parseSize } from '../validation';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { GrafanaDatasource, IDatasource } from './datasource';
import { ServerWorkload } from './server-workload';
import { IMAGES } from './versions';

export interface LokiProps extends WorkloadProps {
  /** How long logs are kept (compactor retention), in whole days. @default "168h" (7 days) */
  readonly retention?: string;
  /** Size of the data volume (chunks, index, WAL, compactor). @default "10Gi" */
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
  /** Per-tenant ingestion rate, MB/s. @default 8 */
  readonly ingestionRateMb?: number;
  /** Per-tenant burst, MB. @default 16 */
  readonly ingestionBurstSizeMb?: number;
  /** Longest line accepted; longer lines are refused. @default "256KB" */
  readonly maxLineSize?: string;
}

const HTTP_PORT = 3100;
const GRPC_PORT = 9095;
const DATA = '/loki';

export class Loki extends Construct implements ILogsDestination, IDatasource {
  public readonly workload: ServerWorkload;
  /** `http://loki:3100/loki/api/v1/push`. */
  public readonly pushUrl: string;
  /** `http://loki:3100/otlp`: the OTLP endpoint Alloy sends to. */
  public readonly otlpUrl: string;
  /** `loki:3100`, where Loki serves its own metrics. */
  public readonly metricsAddress: string;
  /** `http://loki:3100`. */
  public readonly queryUrl: string;
  public readonly datasource: GrafanaDatasource;
  /** The namespace Loki runs in. */
  public readonly namespaceName: string;
  /** The tenant, when multi-tenancy is on. */
  public readonly tenant?: string;
  private readonly destination: ILogsDestination;

  public constructor(scope: Construct, id: string, props: LokiProps) {
    super(scope, id);
    const retention = props.retention ?? '168h';
    const day = 24 * 3600e3;
    if (parsePromDuration(this.node.path, 'retention', retention) % day !== 0) {
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
    const config = {
      auth_enabled: tenant !== undefined,
      server: { http_listen_port: HTTP_PORT, grpc_listen_port: GRPC_PORT, log_level: 'info', log_format: 'logfmt' },
      common: {
        instance_addr: '127.0.0.1',
        path_prefix: DATA,
        storage: { filesystem: { chunks_directory: `${DATA}/chunks`, rules_directory: `${DATA}/rules` } },
        replication_factor: 1,
        ring: { kvstore: { store: 'inmemory' } },
      },
      schema_config: {
        configs: [{
          from: '2024-01-01',
          store: 'tsdb',
          object_store: 'filesystem',
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
      // entries up to max_chunk_age / 2 older than a stream's newest are accepted: 2h covers the
      // collector's log queue draining after an outage
      ingester: { wal: { enabled: true, dir: `${DATA}/wal` }, max_chunk_age: '4h' },
      compactor: {
        working_directory: `${DATA}/compactor`,
        retention_enabled: true,
        delete_request_store: 'filesystem',
      },
      analytics: { reporting_enabled: false },
    };
    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name: 'loki',
      instance: props.instance ?? DEFAULT_INSTANCE,
      component: 'logs-backend',
      image: props.image ?? IMAGES.loki,
      args: ['-config.file=/etc/loki/loki.yaml'],
      ports: [
        { name: 'http', port: HTTP_PORT, appProtocol: 'http' },
        { name: 'grpc', port: GRPC_PORT, appProtocol: 'grpc' },
      ],
      readiness: { path: '/ready', port: 'http' },
      runAs: { uid: 10001, gid: 10001 },
      resources: props.resources ?? { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      configFiles: { mountPath: '/etc/loki', data: { 'loki.yaml': dump(config, { lineWidth: -1 }) } },
      storage: { mountPath: DATA, size: props.storageSize ?? '10Gi', storageClassName: props.storageClassName },
    });
    this.queryUrl = `http://${this.workload.host}:${HTTP_PORT}`;
    this.pushUrl = `${this.queryUrl}/loki/api/v1/push`;
    this.otlpUrl = `${this.queryUrl}/otlp`;
    this.metricsAddress = `${this.workload.host}:${HTTP_PORT}`;
    this.tenant = tenant;
    this.namespaceName = props.namespace;
    // OTLP, not the push API: logs then take the same disk-backed, never-giving-up queue as
    // traces (loki.write's WAL is experimental), and resource attributes arrive as structured metadata
    this.destination = Destination.lokiOtlp({ name: 'loki', url: this.otlpUrl, tenantId: tenant });
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
    return Destination.lokiOtlp({ name: 'loki', url: `http://${this.workload.host}.${this.namespaceName}.svc:${HTTP_PORT}/otlp`, tenantId: this.tenant });
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
