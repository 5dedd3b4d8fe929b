/**
 * Tempo in single-binary mode: receives OTLP traces, stores them, answers queries on 3200.
 */
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { AlloyConfig, TracesConsumer } from '../alloy';
import { Destination, ITracesDestination } from '../pipelines';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { GrafanaDatasource, IDatasource } from './datasource';
import { assertGoDuration } from '../validation';
import { ServerWorkload } from './server-workload';
import { IRemoteWriteReceiver } from './prometheus';
import { IMAGES } from './versions';

export interface TempoProps extends WorkloadProps {
  /** How long traces are kept (compactor block retention). @default "168h" (7 days) */
  readonly retention?: string;
  /** Size of the data volume (blocks, WAL, metrics-generator WAL). @default "10Gi" */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * Where the metrics generator sends service-graph and span metrics, with exemplars.
   *
   * @default - no metrics generator
   */
  readonly metricsGenerator?: IRemoteWriteReceiver;
}

const HTTP_PORT = 3200;
const OTLP_GRPC_PORT = 4317;
const OTLP_HTTP_PORT = 4318;
const DATA = '/var/tempo';

export class Tempo extends Construct implements ITracesDestination, IDatasource {
  public readonly workload: ServerWorkload;
  /** `tempo:4317`: where OTLP gRPC traces go. */
  public readonly otlpGrpcEndpoint: string;
  /** `http://tempo:3200`: the query API. */
  public readonly queryUrl: string;
  /** `tempo:3200`, where Tempo serves its own metrics. */
  public readonly metricsAddress: string;
  public readonly datasource: GrafanaDatasource;
  private readonly destination: ITracesDestination;

  public constructor(scope: Construct, id: string, props: TempoProps) {
    super(scope, id);
    const retention = props.retention ?? '168h';
    assertGoDuration(this.node.path, 'retention', retention);
    const config = {
      stream_over_http_enabled: true,
      server: { http_listen_port: HTTP_PORT, log_level: 'info', log_format: 'logfmt' },
      distributor: {
        receivers: {
          otlp: {
            protocols: {
              grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}` },
              http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` },
            },
          },
        },
      },
      compactor: { compaction: { block_retention: retention } },
      ...(props.metricsGenerator === undefined ? {} : {
        metrics_generator: {
          registry: { external_labels: { source: 'tempo' } },
          storage: {
            path: `${DATA}/generator/wal`,
            remote_write: [{ url: props.metricsGenerator.remoteWriteUrl, send_exemplars: true }],
          },
          traces_storage: { path: `${DATA}/generator/traces` },
        },
        // exemplars carry trace_id, the label Grafana's Prometheus data source links to Tempo by
        overrides: { defaults: { metrics_generator: { processors: ['service-graphs', 'span-metrics'], trace_id_label_name: 'trace_id' } } },
      }),
      storage: {
        trace: {
          backend: 'local',
          wal: { path: `${DATA}/wal` },
          local: { path: `${DATA}/blocks` },
        },
      },
      usage_report: { reporting_enabled: false },
    };
    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name: 'tempo',
      instance: props.instance ?? DEFAULT_INSTANCE,
      component: 'traces-backend',
      image: props.image ?? IMAGES.tempo,
      args: ['-config.file=/etc/tempo/tempo.yaml'],
      ports: [
        { name: 'http', port: HTTP_PORT, appProtocol: 'http' },
        { name: 'otlp-grpc', port: OTLP_GRPC_PORT, appProtocol: 'grpc' },
        { name: 'otlp-http', port: OTLP_HTTP_PORT, appProtocol: 'http' },
      ],
      readiness: { path: '/ready', port: 'http' },
      runAs: { uid: 10001, gid: 10001 },
      resources: props.resources ?? { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '2Gi' } },
      configFiles: { mountPath: '/etc/tempo', data: { 'tempo.yaml': dump(config, { lineWidth: -1 }) } },
      storage: { mountPath: DATA, size: props.storageSize ?? '10Gi', storageClassName: props.storageClassName },
    });
    this.otlpGrpcEndpoint = `${this.workload.host}:${OTLP_GRPC_PORT}`;
    this.metricsAddress = `${this.workload.host}:${HTTP_PORT}`;
    this.queryUrl = `http://${this.workload.host}:${HTTP_PORT}`;
    this.destination = Destination.otlpGrpc({ name: 'tempo', endpoint: this.otlpGrpcEndpoint, insecure: true });
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
}

