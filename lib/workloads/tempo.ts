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
import { AlloyConfig, TracesConsumer } from '../alloy';
import { BacklogSenders, Destination, ITracesDestination, acceptanceWindow, retentionProblems } from '../pipelines';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { GrafanaDatasource, IDatasource } from './datasource';
import { durationText, goDuration, parseDuration } from '../validation';
import { ServerWorkload } from './server-workload';
import { Connections, Peer } from './connections';
import { IRemoteWriteReceiver } from './prometheus';
import { IMAGES } from './versions';

export interface TempoProps extends WorkloadProps {
  /**
   * How long traces are kept (compactor block retention). A duration as every duration prop
   * takes it: whole numbers with y, w, d, h, m, s, ms, such as "7d" or "168h"; Tempo reads
   * Go durations, so days and weeks are written as hours ("7d" becomes "168h").
   *
   * @default "168h" (7 days)
   */
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
  /** `tempo:3200`, where Tempo serves its own metrics. */
  public readonly metricsAddress: string;
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
    const config = () => ({
      stream_over_http_enabled: true,
      server: { http_listen_port: HTTP_PORT, log_level: 'info', log_format: 'logfmt' },
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
          // replayed spans keep their own time in the block's time range, so searches find them
          wal: { path: `${DATA}/wal`, ingestion_time_range_slack: slack() },
          local: { path: `${DATA}/blocks` },
        },
      },
      usage_report: { reporting_enabled: false },
    });
    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name: props.name ?? 'tempo',
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
      configFiles: { mountPath: '/etc/tempo', data: { 'tempo.yaml': Lazy.any({ produce: () => dump(config(), { lineWidth: -1 }) }) } },
      controller: { kind: 'Deployment', storage: { mountPath: DATA, size: props.storageSize ?? '10Gi', storageClassName: props.storageClassName } },
    });
    this.otlpGrpcEndpoint = `${this.workload.host}:${OTLP_GRPC_PORT}`;
    this.metricsAddress = `${this.workload.host}:${HTTP_PORT}`;
    this.queryUrl = `http://${this.workload.host}:${HTTP_PORT}`;
    this.destination = Destination.otlpGrpc({
      name: 'tempo', endpoint: this.otlpGrpcEndpoint, insecure: true, maxRequestBytes: this.maxRequestBytes, senders: this.senders,
      onUse: (config, exporter) => Connections.of(this).allowComponent(config, exporter, this.workload.peer, OTLP_GRPC_PORT),
    });
    // the metrics generator writes to its target
    if (props.metricsGenerator?.remoteWritePeer !== undefined) {
      Connections.of(this).allow(this.workload.peer, props.metricsGenerator.remoteWritePeer.peer, props.metricsGenerator.remoteWritePeer.port);
    }
    this.node.addValidation({
      validate: () => {
        const w = this.lateWindow();
        return [...w.problems, ...retentionProblems(this.node.path, { text: retention, seconds: retentionSeconds }, { prop: 'late-span window', seconds: w.seconds })];
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

