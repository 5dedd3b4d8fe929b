/**
 * Scrapes every pod and Service that asks for it with the annotations Prometheus made
 * common: `prometheus.io/scrape: "true"`, and optionally `prometheus.io/port`,
 * `prometheus.io/path` (default `/metrics`) and `prometheus.io/scheme` (`http` or
 * `https`). Pods are scraped at their own address; Services at their Service address (one
 * of the pods behind it, each scrape). Each discovered target gets the labels namespace
 * and pod, or namespace and service. Clustered: with several replicas each target is
 * scraped by one of them.
 *
 * No host access: Pod Security restricted. RBAC (derived): get/list/watch on pods and
 * services, cluster-wide or in the listed namespaces. The collector's NetworkPolicy lets
 * it reach pods in every namespace, on any port (the annotations choose the port).
 */
import { Construct } from 'constructs';
// generated components by file, so that loading the library loads only those it uses
import { DiscoveryKubernetes } from '../../imports/alloy/components/discovery-kubernetes';
import { DiscoveryRelabel, DiscoveryRelabelRule } from '../../imports/alloy/components/discovery-relabel';
import { PrometheusScrape } from '../../imports/alloy/components/prometheus-scrape';
import { goDuration } from '../validation';
import { IMetricsDestination } from './destinations';
import { RUNNING_PODS_ONLY, checkNamespaces, enclosingConfig, pipelineLabel } from './kubernetes-common';

export interface AnnotationAutodiscoveryProps {
  /** Where the series go. */
  readonly metrics: IMetricsDestination;
  /** Only these namespaces. @default - every namespace */
  readonly namespaces?: readonly string[];
  /**
   * How often targets are scraped: a duration, whole numbers with y, w, d, h, m, s, ms, such
   * as "30s" or "1m" (Alloy reads Go durations: days become hours).
   *
   * @default "60s"
   */
  readonly scrapeInterval?: string;
  /**
   * The annotations' prefix: `<prefix>/scrape`, `<prefix>/port`, `<prefix>/path`,
   * `<prefix>/scheme`. Grafana's k8s-monitoring uses `k8s.grafana.com`.
   *
   * @default "prometheus.io"
   */
  readonly annotationPrefix?: string;
  /** Labels of the components: `<label>_pods`, `<label>_services`. @default "annotated" */
  readonly label?: string;
}

/** `__meta_kubernetes_<role>_annotation_<name>`, with the name as Prometheus sanitizes it. */
function meta(role: 'pod' | 'service', annotation: string): string {
  return `__meta_kubernetes_${role}_annotation_${annotation.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

export class AnnotationAutodiscovery extends Construct {
  /** The scrape of pods, and of Services. */
  public readonly scrapes: { readonly pods: PrometheusScrape; readonly services: PrometheusScrape };
  /** The annotations' prefix (`<prefix>/scrape`, `<prefix>/port`, ...). */
  public readonly annotationPrefix: string;

  public constructor(scope: Construct, id: string, props: AnnotationAutodiscoveryProps) {
    super(scope, id);
    const config = enclosingConfig(this, 'AnnotationAutodiscovery');
    const namespaces = checkNamespaces(this, props.namespaces);
    const interval = goDuration(this.node.path, 'scrapeInterval', props.scrapeInterval ?? '60s');
    const prefix = props.annotationPrefix ?? 'prometheus.io';
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix)) {
      throw new Error(`${this.node.path}: annotationPrefix must be a DNS subdomain (got ${JSON.stringify(prefix)}); such as "prometheus.io"`);
    }
    this.annotationPrefix = prefix;
    const forwardTo = [props.metrics.metricsReceiver(config)];
    const base = pipelineLabel(this, props.label, 'annotated');

    const scrapeFor = (role: 'pod' | 'service'): PrometheusScrape => {
      const label = `${base}_${role}s`;
      const discovered = new DiscoveryKubernetes(this, `${role}s`, {
        label,
        role,
        ...(namespaces ? { namespaces: { names: namespaces } } : {}),
      });
      const rules: DiscoveryRelabelRule[] = [
        { sourceLabels: [meta(role, `${prefix}/scrape`)], regex: 'true', action: 'keep' },
        ...(role === 'pod' ? [RUNNING_PODS_ONLY] : []),
        // the annotated port replaces the discovered one
        {
          sourceLabels: ['__address__', meta(role, `${prefix}/port`)],
          // a host, or a bracketed IPv6 address, then the discovered port if any
          regex: '(\\[.+\\]|[^:;]+)(?::\\d+)?;(\\d+)',
          replacement: '$1:$2',
          targetLabel: '__address__',
        },
        { sourceLabels: [meta(role, `${prefix}/path`)], regex: '(.+)', targetLabel: '__metrics_path__' },
        { sourceLabels: [meta(role, `${prefix}/scheme`)], regex: '(https?)', targetLabel: '__scheme__' },
        { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
        role === 'pod'
          ? { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' }
          : { sourceLabels: ['__meta_kubernetes_service_name'], targetLabel: 'service' },
      ];
      const relabel = new DiscoveryRelabel(this, `${role}s-relabel`, { label, targets: discovered.targets, rule: rules });
      return new PrometheusScrape(this, `${role}s-scrape`, {
        label,
        jobName: `annotation-autodiscovery/${role}s`,
        targets: relabel.output,
        scrapeInterval: interval,
        clustering: { enabled: true },
        forwardTo,
      });
    };
    this.scrapes = { pods: scrapeFor('pod'), services: scrapeFor('service') };
  }
}
