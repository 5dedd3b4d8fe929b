/**
 * Prometheus: receives remote write from Alloy, scrapes the stack, answers queries on 9090.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { AlloyConfig, MetricsReceiver } from '../alloy';
import { Destination, IMetricsDestination } from '../pipelines';
import { assertDnsLabel, parsePromDuration } from '../validation';
import { WorkloadProps } from './common-props';
import { GrafanaDatasource, IDatasource } from './datasource';
import { ServerWorkload } from './server-workload';
import { IMAGES } from './versions';

export interface PrometheusProps extends WorkloadProps {
  /** How long samples are kept (`--storage.tsdb.retention.time`). @default "15d" */
  readonly retention?: string;
  /** How often targets are scraped. @default "30s" */
  readonly scrapeInterval?: string;
}

/** A scrape job of Prometheus's own config. */
export interface ScrapeTarget {
  /** The job name, a DNS label such as "alloy". */
  readonly job: string;
  /** `host:port` of the target. */
  readonly address: string;
  /** @default "/metrics" */
  readonly metricsPath?: string;
}

const PORT = 9090;
const DATA = '/prometheus';

export class Prometheus extends Construct implements IMetricsDestination, IDatasource {
  public readonly workload: ServerWorkload;
  /** `http://prometheus:9090/api/v1/write`: the remote-write receiver. */
  public readonly remoteWriteUrl: string;
  /** `http://prometheus:9090`: the query API. */
  public readonly queryUrl: string;
  public readonly datasource: GrafanaDatasource;
  private readonly destination: IMetricsDestination;
  private readonly targets: ScrapeTarget[] = [];
  private readonly scrapeInterval: string;

  public constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    const retention = props.retention ?? '15d';
    parsePromDuration(this.node.path, 'retention', retention);
    this.scrapeInterval = props.scrapeInterval ?? '30s';
    parsePromDuration(this.node.path, 'scrapeInterval', this.scrapeInterval);
    this.workload = new ServerWorkload(this, 'server', {
      namespace: props.namespace,
      name: 'prometheus',
      instance: props.instance ?? 'observability',
      component: 'metrics-backend',
      image: props.image ?? IMAGES.prometheus,
      args: [
        '--config.file=/etc/prometheus/prometheus.yml',
        `--storage.tsdb.path=${DATA}`,
        `--storage.tsdb.retention.time=${retention}`,
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
        mountPath: '/etc/prometheus',
        data: { 'prometheus.yml': Lazy.any({ produce: () => this.renderConfig() }) },
      },
      writablePaths: [{ name: 'data', mountPath: DATA }],
    });
    this.queryUrl = `http://${this.workload.host}:${PORT}`;
    this.remoteWriteUrl = `${this.queryUrl}/api/v1/write`;
    this.destination = Destination.remoteWrite({ name: 'prometheus', url: this.remoteWriteUrl });
    this.datasource = {
      name: 'Prometheus',
      type: 'prometheus',
      uid: 'prometheus',
      url: this.queryUrl,
      isDefault: true,
      jsonData: { httpMethod: 'POST' },
    };
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

  public metricsReceiver(config: AlloyConfig): MetricsReceiver {
    return this.destination.metricsReceiver(config);
  }

  /** prometheus.yml, rendered with every scrape target added so far. */
  public renderConfig(): string {
    const config = {
      global: { scrape_interval: this.scrapeInterval, evaluation_interval: this.scrapeInterval },
      scrape_configs: this.targets.map((t) => ({
        job_name: t.job,
        metrics_path: t.metricsPath ?? '/metrics',
        static_configs: [{ targets: [t.address] }],
      })),
    };
    return dump(config, { lineWidth: -1 });
  }
}
