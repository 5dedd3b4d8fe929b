/**
 * Prometheus: receives OTLP metrics from the Alloy gateway (its OTLP receiver, with delta
 * temporality converted to cumulative) and remote write from the scraping collector (which
 * also brings the kubelets' volume usage) and Tempo, scrapes the stack, evaluates the
 * telemetry-health alerts and sends them to Alertmanager. Data lives on a
 * PersistentVolumeClaim, retained by time and by size.
 *
 * The out-of-order window is derived from the collectors that send here: at least the oldest
 * backlog any of them may replay after an outage (OTLP and remote write append through the
 * same TSDB head, and one sample older than the window fails the whole request with a 400
 * that no exporter retries: prometheus storage/remote/write_otlp_handler.go, tsdb/head_append.go).
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { AlloyConfig, MetricsConsumer, MetricsReceiver } from '../alloy';
import { BacklogSenders, Destination, DestinationCredentials, IMetricsDestination, acceptanceWindow, retentionProblems } from '../pipelines';
import { assertDnsLabel, durationText, parseDuration, parseSize } from '../validation';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { GrafanaDatasource, IDatasource } from './datasource';
import { ServerWorkload } from './server-workload';
import { BACKEND_METRICS } from './backend-metrics';
import { Connections, Peer } from './connections';
import { MetricsSource, alertSetProblems, selectorProblems } from './promql-selectors';
import { AlertRule, TelemetryContext, ruleFile, telemetryAlerts } from './telemetry-alerts';
import { IMAGES } from './versions';

export interface PrometheusProps extends WorkloadProps {
  /**
   * How long samples are kept (`--storage.tsdb.retention.time`): a duration, whole numbers with y, w, d, h, m, s, ms, such as
   * "15d" or "720h" (Prometheus reads it as written).
   *
   * @default "15d"
   */
  readonly retention?: string;
  /**
   * Most bytes of blocks kept (`--storage.tsdb.retention.size`); must be below the volume
   * size, leaving room for the WAL and compaction.
   *
   * @default "8GB" (80 % of the default volume)
   */
  readonly retentionSize?: string;
  /** Size of the data volume. @default "10Gi" */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** How often targets are scraped and rules evaluated: a duration, whole numbers with y, w, d, h, m, s, ms, such as "30s" or "1m". @default "30s" */
  readonly scrapeInterval?: string;
  /** Alerting rules added to the telemetry-health alerts. @default - none */
  readonly extraAlerts?: readonly AlertRule[];
  /**
   * How much older than the newest sample a sample may be and still be accepted
   * (`out_of_order_time_window`), so a collector's backlog after an outage is not refused: a
   * duration, whole numbers with y, w, d, h, m, s, ms, such as "2h" or "1d". Set shorter than a sender's backlog, synth fails.
   *
   * @default - the oldest backlog of the collectors that send here (their OTLP metrics queue at
   * its stated rate, their remote-write WAL keepalive), at least 30m
   */
  readonly outOfOrderTimeWindow?: string;
  /**
   * Delta-temporality OTLP metrics (the default of .NET and of some Java and JavaScript
   * SDKs): `true` converts them to cumulative in Prometheus (`--enable-feature=otlp-deltatocumulative`;
   * state in memory, a restart reads as a counter reset). `false` leaves the feature off: one
   * delta metric then fails its whole request with a 500, which the exporter does not retry.
   *
   * @default true
   */
  readonly convertDeltaToCumulative?: boolean;
  /**
   * The remote-write and OTLP receivers (`--web.enable-remote-write-receiver`,
   * `--web.enable-otlp-receiver`). `false` for a Prometheus that only scrapes, such as the
   * stack's own when its metrics go to an external backend: nothing can push into it, and
   * asking it for a receiver fails.
   *
   * @default true
   */
  readonly receivers?: boolean;
}

/**
 * A scrape job of Prometheus's own config (`Prometheus.addScrapeTarget`). Not to be confused with
 * `IScrapeTarget`, something an Alloy collector scrapes (`StaticScrape`).
 */
export interface PrometheusScrapeTarget {
  /** The job name, a DNS label such as "alloy". */
  readonly job: string;
  /** `host:port` of the target. */
  readonly address: string;
  /** @default "/metrics" */
  readonly metricsPath?: string;
  /**
   * The host is a headless Service: scrape every pod behind it (DNS service discovery of
   * its A records), so each replica is its own target and a pod that is down shows as down.
   *
   * @default false - the one address
   */
  readonly everyPod?: boolean;
  /**
   * The metric names the target exports, read at synth: alerts and dashboards are made only
   * for metrics something exports, and every query is checked against them.
   *
   * @default - only what Prometheus adds to every job (`up`, `scrape_*`)
   */
  readonly metrics?: () => readonly string[];
  /**
   * What the target is, for alerts and dashboards that follow roles rather than names:
   * `collector` for an Alloy collector.
   *
   * @default - none
   */
  readonly role?: 'collector';
  /**
   * The target's pods, when it runs in the cluster: Prometheus's connection to them is
   * recorded (for the NetworkPolicies). A target without it is reached by its address's port.
   *
   * @default - outside the stack
   */
  readonly peer?: Peer;
}

/** Series Prometheus adds for every scrape job (scrape/scrape.go); Alloy's prometheus.scrape, built on it, adds the same. */
export const SCRAPE_SERIES: readonly string[] = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'];

/** Something that receives Prometheus remote write. */
export interface IRemoteWriteReceiver {
  /** Such as `http://prometheus:9090/api/v1/write`. */
  readonly remoteWriteUrl: string;
  /** Its pods and port, when it runs in the cluster, for the connections recorded to it. @default - outside the stack */
  readonly remoteWritePeer?: { readonly peer: Peer; readonly port: number };
  /** The tenant (`X-Scope-OrgID`) of a multi-tenant receiver, such as Mimir. @default - no tenant */
  readonly remoteWriteTenant?: string;
  /** Credentials a writer sends, from Kubernetes Secrets. @default - none */
  readonly remoteWriteCredentials?: DestinationCredentials;
}

/** An Alertmanager Prometheus sends its alerts to: the stack's `Alertmanager`, or one outside the stack. */
export interface IAlertmanager {
  /** `host:port` of the Alertmanager API. */
  readonly alertmanagerAddress: string;
  /** Its pods and port, when it runs in the cluster, for the connections recorded to it. @default - outside the stack */
  readonly alertmanagerPeer?: { readonly peer: Peer; readonly port: number };
}

const PORT = 9090;
/**
 * The largest OTLP request the gateway sends here. Prometheus reads at most 32 MiB of a
 * decompressed OTLP body and fails what is cut off with a 400 (storage/remote/codec.go
 * decodeReadLimit); 8 MiB stays well inside it.
 */
const OTLP_MAX_REQUEST_BYTES = 8 * 2 ** 20;
/** The shortest out-of-order window, whatever the senders: a restart of a collector replays minutes. */
const MIN_OUT_OF_ORDER_SECONDS = 30 * 60;
const DATA = '/prometheus';
const CONFIG_DIR = '/etc/prometheus';

export class Prometheus extends Construct implements IMetricsDestination, IDatasource, IRemoteWriteReceiver {
  public readonly workload: ServerWorkload;
  /** `http://prometheus:9090/api/v1/write`: the remote-write receiver. */
  public readonly remoteWriteUrl: string;
  /** `http://prometheus:9090`: the query API. */
  public readonly queryUrl: string;
  /** `http://prometheus:9090/api/v1/otlp`: the OTLP receiver's base URL. */
  public readonly otlpUrl: string;
  public readonly remoteWritePeer: { readonly peer: Peer; readonly port: number };
  public readonly datasource: GrafanaDatasource;
  public readonly datasourcePeer: { readonly peer: Peer; readonly port: number };
  private readonly extraAlerts: readonly AlertRule[];
  private readonly namespace: string;
  private readonly remoteWritten: MetricsSource[] = [];
  /** The collectors that send here, with the backlog each may replay. */
  public readonly senders = new BacklogSenders();
  private readonly destination: IMetricsDestination;
  private readonly otlpDestination: Pick<IMetricsDestination, 'metricsInput'>;
  private readonly targets: PrometheusScrapeTarget[] = [];
  private readonly alertmanagers: IAlertmanager[] = [];
  private readonly scrapeInterval: string;
  private readonly outOfOrderWindow?: { readonly text: string; readonly seconds: number };
  private readonly receivers: boolean;

  public constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    const retention = props.retention ?? '15d';
    const retentionSeconds = parseDuration(this.node.path, 'retention', retention) / 1000;
    this.scrapeInterval = props.scrapeInterval ?? '30s';
    if (props.outOfOrderTimeWindow !== undefined) {
      this.outOfOrderWindow = { text: props.outOfOrderTimeWindow, seconds: parseDuration(this.node.path, 'outOfOrderTimeWindow', props.outOfOrderTimeWindow) / 1000 };
    }
    this.receivers = props.receivers ?? true;
    const deltas = this.receivers && (props.convertDeltaToCumulative ?? true);
    parseDuration(this.node.path, 'scrapeInterval', this.scrapeInterval);
    const storageSize = props.storageSize ?? '10Gi';
    const retentionSize = props.retentionSize ?? '8GB';
    const retentionBytes = parseSize(this.node.path, 'retentionSize', retentionSize, 'prometheus');
    const volumeBytes = parseSize(this.node.path, 'storageSize', storageSize, 'kubernetes');
    if (retentionBytes >= volumeBytes) {
      throw new Error(
        `${this.node.path}: retentionSize ${retentionSize} does not fit the ${storageSize} volume; ` +
        'keep it at about 80 % of storageSize, leaving room for the WAL and compaction',
      );
    }
    this.extraAlerts = [...(props.extraAlerts ?? [])];
    this.namespace = props.namespace;

    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name: props.name ?? 'prometheus',
      instance: props.instance ?? DEFAULT_INSTANCE,
      component: 'metrics-backend',
      image: props.image ?? IMAGES.prometheus,
      args: [
        `--config.file=${CONFIG_DIR}/prometheus.yml`,
        `--storage.tsdb.path=${DATA}`,
        `--storage.tsdb.retention.time=${retention}`,
        `--storage.tsdb.retention.size=${retentionSize}`,
        ...(this.receivers ? ['--web.enable-remote-write-receiver', '--web.enable-otlp-receiver'] : []),
        `--enable-feature=${['exemplar-storage', ...(deltas ? ['otlp-deltatocumulative'] : [])].join(',')}`,
        `--web.listen-address=0.0.0.0:${PORT}`,
      ],
      ports: [{ name: 'http', port: PORT, appProtocol: 'http' }],
      readiness: { path: '/-/ready', port: 'http' },
      liveness: { path: '/-/healthy', port: 'http' },
      runAs: { uid: 65534, gid: 65534 },
      resources: props.resources ?? { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
      configFiles: {
        mountPath: CONFIG_DIR,
        data: {
          'prometheus.yml': Lazy.any({ produce: () => this.renderConfig() }),
          'telemetry-alerts.yml': Lazy.any({ produce: () => this.renderRules() }),
        },
      },
      controller: { kind: 'Deployment', storage: { mountPath: DATA, size: storageSize, storageClassName: props.storageClassName } },
    });
    this.queryUrl = `http://${this.workload.host}:${PORT}`;
    this.remoteWriteUrl = `${this.queryUrl}/api/v1/write`;
    this.otlpUrl = `${this.queryUrl}/api/v1/otlp`;
    const onUse = (config: AlloyConfig, exporter: Construct) => Connections.of(this).allowComponent(config, exporter, this.workload.peer, PORT);
    this.destination = Destination.remoteWrite({ name: 'prometheus', url: this.remoteWriteUrl, senders: this.senders, onUse });
    this.otlpDestination = Destination.prometheusOtlp({ name: 'prometheus', url: this.otlpUrl, maxRequestBytes: OTLP_MAX_REQUEST_BYTES, senders: this.senders, onUse });
    this.remoteWritePeer = { peer: this.workload.peer, port: PORT };
    this.node.addValidation({
      validate: () => {
        const w = this.window();
        return [
          ...w.problems,
          ...retentionProblems(this.node.path, { text: retention, seconds: retentionSeconds }, { prop: 'out-of-order window', seconds: w.seconds }),
          ...this.alertProblems(),
        ];
      },
    });
    this.datasourcePeer = { peer: this.workload.peer, port: PORT };
    this.datasource = { name: 'Prometheus', type: 'prometheus', uid: 'prometheus', url: this.queryUrl, signal: 'metrics', isDefault: true };
    // the OTLP receiver's own counter exists only while the receiver is on
    const own = this.receivers ? BACKEND_METRICS.prometheus : BACKEND_METRICS.prometheus.filter((m) => !m.startsWith('prometheus_api_otlp_'));
    this.addScrapeTarget({ job: this.workload.host, address: `localhost:${PORT}`, metrics: () => own });
  }

  /** Adds a scrape job for one target. */
  public addScrapeTarget(target: PrometheusScrapeTarget): void {
    assertDnsLabel(this.node.path, 'scrape job name', target.job);
    if (this.targets.some((t) => t.job === target.job)) {
      throw new Error(`${this.node.path}: duplicate scrape job "${target.job}"; give each target its own job name`);
    }
    if (!/^[^\s/:]+:[0-9]+$/.test(target.address)) {
      throw new Error(`${this.node.path}: invalid scrape address for job "${target.job}" (got ${JSON.stringify(target.address)}); use host:port`);
    }
    this.targets.push(target);
    const port = Number(target.address.slice(target.address.lastIndexOf(':') + 1));
    if (target.peer !== undefined) {
      Connections.of(this).allow(this.workload.peer, target.peer, port, { scrape: true });
    } else if (!target.address.startsWith('localhost:')) {
      // a target outside the stack: another namespace's pods, or the cluster's addresses
      Connections.of(this).allowExternal(this.workload.peer, port, 'in-cluster');
    }
  }

  /**
   * Records metrics that reach Prometheus by remote write (a collector's scrapes), so alerts
   * and dashboards may query them.
   */
  public addMetricsSource(source: MetricsSource): void {
    this.remoteWritten.push(source);
  }

  /** What Prometheus holds: the jobs, the collectors among them, who exports what. */
  public telemetry(): TelemetryContext {
    const sources = this.metricsSources();
    const exporting = (metric: string) => sources.filter((s) => s.metrics().includes(metric));
    return {
      namespace: this.namespace,
      jobs: this.targets.map((t) => t.job),
      collectorJobs: this.targets.filter((t) => t.role === 'collector').map((t) => t.job),
      jobsExporting: (metric) => exporting(metric).flatMap((s) => (s.job === undefined ? [] : [s.job])),
      exports: (metric) => exporting(metric).length > 0,
    };
  }

  /** Problems of a query (an alert's, a panel's) against what this Prometheus holds. */
  public queryProblems(what: string, expr: string): string[] {
    try {
      return selectorProblems(what, expr, this.metricsSources(), this.targets.map((t) => t.job));
    } catch (e) {
      return [`${what}: ${(e as Error).message}`];
    }
  }

  /** The alerting rules loaded, in order: the telemetry-health alerts for what is here, then extraAlerts. */
  public get alerts(): AlertRule[] {
    return [...telemetryAlerts(this.telemetry()), ...this.extraAlerts];
  }

  private metricsSources(): MetricsSource[] {
    return [
      ...this.targets.map((t) => ({ job: t.job, from: `scrape job ${t.job}`, metrics: () => [...SCRAPE_SERIES, ...(t.metrics?.() ?? [])] })),
      ...this.remoteWritten,
    ];
  }

  private alertProblems(): string[] {
    return alertSetProblems(this.node.path, this.alerts, this.extraAlerts.length, (what, expr) => this.queryProblems(what, expr));
  }


  /** `host:port` of every scrape target. */
  public scrapeAddresses(): string[] {
    return this.targets.map((t) => t.address);
  }

  /** Sends alerts to `alertmanager` (the stack's, or one outside it). */
  public addAlertmanager(alertmanager: IAlertmanager): void {
    this.alertmanagers.push(alertmanager);
    if (alertmanager.alertmanagerPeer !== undefined) {
      Connections.of(this).allow(this.workload.peer, alertmanager.alertmanagerPeer.peer, alertmanager.alertmanagerPeer.port);
    }
  }

  public metricsReceiver(config: AlloyConfig): MetricsReceiver {
    this.assertReceivers();
    return this.destination.metricsReceiver(config);
  }

  /** OTLP metrics, as they are, into Prometheus's OTLP receiver. */
  public metricsInput(config: AlloyConfig): MetricsConsumer {
    this.assertReceivers();
    return this.otlpDestination.metricsInput!(config);
  }

  private assertReceivers(): void {
    if (!this.receivers) {
      throw new Error(
        `${this.node.path}: this Prometheus takes no pushes (receivers: false), so it cannot be a destination; ` +
        'send metrics to where the stack\'s metrics go (stack.metrics), or turn its receivers on',
      );
    }
  }

  /** The out-of-order window in seconds: as set, or derived from the senders' backlogs. */
  public get outOfOrderWindowSeconds(): number {
    return this.window().seconds;
  }

  private window(): { seconds: number; problems: string[] } {
    return acceptanceWindow(this.node.path, 'outOfOrderTimeWindow', this.outOfOrderWindow, MIN_OUT_OF_ORDER_SECONDS, this.senders);
  }

  /** prometheus.yml, rendered with every scrape target and Alertmanager added so far. */
  public renderConfig(): string {
    const jobs = this.targets.map((t) => {
      const i = t.address.lastIndexOf(':');
      return {
        job_name: t.job,
        metrics_path: t.metricsPath ?? '/metrics',
        ...(t.everyPod
          ? { dns_sd_configs: [{ names: [t.address.slice(0, i)], type: 'A', port: Number(t.address.slice(i + 1)) }] }
          : { static_configs: [{ targets: [t.address] }] }),
      };
    });
    const config: Record<string, unknown> = {
      global: { scrape_interval: this.scrapeInterval, evaluation_interval: this.scrapeInterval },
      // accept a collector's backlog after an outage: samples up to this much older than the newest
      storage: { tsdb: { out_of_order_time_window: this.outOfOrderWindow?.text ?? durationText(this.outOfOrderWindowSeconds) } },
      rule_files: [`${CONFIG_DIR}/telemetry-alerts.yml`],
    };
    if (this.alertmanagers.length > 0) {
      config.alerting = { alertmanagers: [{ static_configs: [{ targets: this.alertmanagers.map((a) => a.alertmanagerAddress) }] }] };
    }
    config.scrape_configs = jobs;
    return dump(config, { lineWidth: -1 });
  }

  /** The rule file of the alerts. */
  public renderRules(): string {
    return dump(ruleFile(this.alerts), { lineWidth: -1 });
  }
}
