/**
 * Example 3: a custom Alloy pipeline on the stack's gateway collector: scrape the pods that
 * ask for it with a team's own annotation (shop.example.com/scrape=true; the stack's
 * alloy-metrics already scrapes prometheus.io/scrape) and send their metrics to the stack's
 * Prometheus. The collector's RBAC (pods get/list/watch) follows from discovery.kubernetes.
 *
 *   npx tsx examples/custom-pipeline.ts <outdir>
 */
import { App } from 'cdk8s';
import { ObservabilityStack, components } from '../lib';

export function build(outdir: string): App {
  const app = new App({ outdir });
  const stack = new ObservabilityStack(app, 'observability');
  const cfg = stack.alloy.config;
  const pods = new components.DiscoveryKubernetes(cfg, 'pods', { role: 'pod' });
  const annotated = new components.DiscoveryRelabel(cfg, 'annotated_pods', {
    targets: pods.targets,
    rule: [
      { sourceLabels: ['__meta_kubernetes_pod_annotation_shop_example_com_scrape'], regex: 'true', action: 'keep' },
      { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
      { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' },
    ],
  });
  new components.PrometheusScrape(cfg, 'scrape_annotated_pods', {
    label: 'annotated_pods',
    targets: annotated.output,
    forwardTo: [stack.prometheus.metricsReceiver(cfg)],
    // two collectors share the targets instead of scraping each twice
    clustering: { enabled: true },
  });
  return app;
}

if (require.main === module) build(process.argv[2] ?? 'dist-example').synth();
