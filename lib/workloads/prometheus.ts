/**
 * Prometheus: receives remote write from Alloy (which also brings the kubelets' volume
 * usage) and Tempo, scrapes the stack, evaluates the telemetry-health alerts and sends them
 * to Alertmanager. Data lives on a PersistentVolumeClaim, retained by time and by size.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { AlloyConfig, MetricsReceiver } from '../alloy';
import { Destination, IMetricsDestination } from '../pipelines';
import { assertDnsLabel, firstDuplicate, parsePromDuration, parseSize } from '../validation';
import { DEFAULT_INSTANCE, WorkloadProps } from './common-props';
import { GrafanaDatasource, IDatasource } from './datasource';
import { ServerWorkload } from './server-workload';
import { AlertRule, ruleFile, telemetryAlerts } from './telemetry-alerts';
import { IMAGES } from './versions';

export interface PrometheusProps extends WorkloadProps {
  /** How long samples are kept (`--storage.tsdb.retention.time`). @default "15d" */
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
  /** How often targets are scraped and rules evaluated. @default "30s" */
  readonly scrapeInterval?: string;
  /** Alerting rules added to the telemetry-health alerts. @default - none */
  readonly extraAlerts?: readonly AlertRule[];
  /**
   * How much older than the newest sample a sample may be and still be accepted
   * (`out_of_order_time_window`), so a collector's backlog after an outage is not refused.
   *
   * @default "3h" (the collector's WAL keepalive)
   */
  readonly outOfOrderTimeWindow?: string;
}

/** A scrape job of Prometheus's own config. */
export interface ScrapeTarget {
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
}

/** Something that receives Prometheus remote write. */
export interface IRemoteWriteReceiver {
  /** Such as `http://prometheus:9090/api/v1/write`. */
  readonly remoteWriteUrl: string;
}

/** Something that receives alerts from Prometheus. */
export interface IAlertReceiver {
  /** `host:port` of the Alertmanager API. */
  readonly alertmanagerAddress: string;
}

const PORT = 9090;
const DATA = '/prometheus';
const CONFIG_DIR = '/etc/prometheus';

export class Prometheus extends Construct implements IMetricsDestination, IDatasource, IRemoteWriteReceiver {
  public readonly workload: ServerWorkload;
  /** `http://prometheus:9090/api/v1/write`: the remote-write receiver. */
  public readonly remoteWriteUrl: string;
  /** `http://prometheus:9090`: the query API. */
  public readonly queryUrl: string;
  public readonly datasource: GrafanaDatasource;
  /** The alerting rules loaded, in order. */
  public readonly alerts: AlertRule[];
  private readonly destination: IMetricsDestination;
  private readonly targets: ScrapeTarget[] = [];
  private readonly alertmanagers: IAlertReceiver[] = [];
  private readonly scrapeInterval: string;
  private readonly outOfOrderWindow: string;

  public constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    const retention = props.retention ?? '15d';
    parsePromDuration(this.node.path, 'retention', retention);
    this.scrapeInterval = props.scrapeInterval ?? '30s';
    this.outOfOrderWindow = props.outOfOrderTimeWindow ?? '3h';
    parsePromDuration(this.node.path, 'outOfOrderTimeWindow', this.outOfOrderWindow);
    parsePromDuration(this.node.path, 'scrapeInterval', this.scrapeInterval);
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
    this.alerts = [...telemetryAlerts(props.namespace), ...(props.extraAlerts ?? [])];
    const names = this.alerts.map((a) => a.alert);
    const twice = firstDuplicate(names);
    if (twice !== undefined) {
      throw new Error(`${this.node.path}: two alerts named "${twice}"; give each alert its own name`);
    }

    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name: 'prometheus',
      instance: props.instance ?? DEFAULT_INSTANCE,
      component: 'metrics-backend',
      image: props.image ?? IMAGES.prometheus,
      args: [
        `--config.file=${CONFIG_DIR}/prometheus.yml`,
        `--storage.tsdb.path=${DATA}`,
        `--storage.tsdb.retention.time=${retention}`,
        `--storage.tsdb.retention.size=${retentionSize}`,
        '--web.enable-remote-write-receiver',
        '--enable-feature=exemplar-storage',
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
      storage: { mountPath: DATA, size: storageSize, storageClassName: props.storageClassName },
    });
    this.queryUrl = `http://${this.workload.host}:${PORT}`;
    this.remoteWriteUrl = `${this.queryUrl}/api/v1/write`;
    this.destination = Destination.remoteWrite({ name: 'prometheus', url: this.remoteWriteUrl });
    this.datasource = { name: 'Prometheus', type: 'prometheus', uid: 'prometheus', url: this.queryUrl, signal: 'metrics', isDefault: true };
    this.addScrapeTarget({ job: 'prometheus', address: `localhost:${PORT}` });
  }

  /** Adds a scrape job for one target. */
  public addScrapeTarget(target: ScrapeTarget): void {
    assertDnsLabel(this.node.path, 'scrape job name', target.job);
    if (this.targets.some((t) => t.job === target.job)) {
      throw new Error(`${this.node.path}: duplicate scrape job "${target.job}"; give each target its own job name`);
    }
    if (!/^[^\s/:]+:[0-9]+$/.test(target.address)) {
      throw new Error(`${this.node.path}: invalid scrape address for job "${target.job}" (got ${JSON.stringify(target.address)}); use host:port`);
    }
    this.targets.push(target);
  }

  /** `host:port` of every scrape target. */
  public scrapeAddresses(): string[] {
    return this.targets.map((t) => t.address);
  }

  /** Sends alerts to `receiver` (an Alertmanager). */
  public addAlertmanager(receiver: IAlertReceiver): void {
    this.alertmanagers.push(receiver);
  }

  public metricsReceiver(config: AlloyConfig): MetricsReceiver {
    return this.destination.metricsReceiver(config);
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
      storage: { tsdb: { out_of_order_time_window: this.outOfOrderWindow } },
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
