/**
 * A clustered scrape of one in-cluster endpoint that a construct of the stack serves, such
 * as kube-state-metrics: wired by the object (`target: kubeStateMetrics`), never by a
 * pasted address. Clustered, so among several replicas one scrapes it.
 *
 * No host access: Pod Security restricted. RBAC: none (a static target).
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { PrometheusScrape } from '../../imports/alloy/components/prometheus-scrape';
import { assertIdentifier } from '../alloy';
import { goDuration } from '../validation';
import { IMetricsDestination } from './destinations';
import { enclosingConfig } from './kubernetes-common';

/**
 * Something that serves Prometheus metrics at a fixed address in the cluster, for a collector's
 * `StaticScrape` to read. (A scrape job of Prometheus's own config is `PrometheusScrapeTarget`.)
 */
export interface IScrapeTarget {
  /** `host:port`, such as `kube-state-metrics:8080`. */
  readonly scrapeAddress: string;
  /** The `job` label of its series, such as "kube-state-metrics". */
  readonly scrapeJob: string;
  /**
   * Called with the config and the scrape that reads the target, so the target records the
   * connection (for its NetworkPolicies) where it is made.
   *
   * @default - nothing recorded
   */
  scrapedBy?(config: Construct, scrape: Construct): void;
}

export interface StaticScrapeProps {
  readonly target: IScrapeTarget;
  /** Where the series go. */
  readonly metrics: IMetricsDestination;
  /** Label of the scrape in config.alloy; a valid Alloy identifier. @default - the job with "-" as "_" */
  readonly label?: string;
  /**
   * How often targets are scraped: a duration, whole numbers with y, w, d, h, m, s, ms, such
   * as "30s" or "1m" (Alloy reads Go durations: days become hours).
   *
   * @default "60s"
   */
  readonly scrapeInterval?: string;
}

export class StaticScrape extends Construct {
  public readonly scrape: PrometheusScrape;

  public constructor(scope: Construct, id: string, props: StaticScrapeProps) {
    super(scope, id);
    const config = enclosingConfig(this, 'StaticScrape');
    const label = props.label ?? props.target.scrapeJob.replace(/[^A-Za-z0-9_]/g, '_');
    assertIdentifier(this.node.path, 'label', label);
    const interval = goDuration(this.node.path, 'scrapeInterval', props.scrapeInterval ?? '60s');
    this.scrape = new PrometheusScrape(this, 'scrape', {
      label,
      jobName: props.target.scrapeJob,
      targets: [{ __address__: props.target.scrapeAddress }],
      scrapeInterval: interval,
      // kube-state-metrics labels its series with the object's namespace: keep those
      honorLabels: true,
      clustering: { enabled: true },
      forwardTo: [props.metrics.metricsReceiver(config)],
    });
    props.target.scrapedBy?.(config, this.scrape);
  }
}
