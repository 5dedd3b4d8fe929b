/**
 * Example 4: this repository's environments (dev and prod, as main.ts writes them) plus a third,
 * staging, with a pipeline of its own: staging's alloy-metrics also scrapes the pods that ask
 * for it with a team's annotation (shop.example.com/scrape=true) into staging's Prometheus.
 * Each environment is built first, extended, then synthesized: `<outdir>/staging/` gets its
 * manifests, Kustomization, collector folders and smoke test, and `<outdir>/argocd/` an
 * Application for it; dev and prod are as they were.
 *
 *   npx tsx examples/add-an-environment.ts <outdir>
 */
import { Environments, components } from '../lib';
// this repository's dev and prod; in your project, your own
import { ENVIRONMENTS } from '../lib/stack/environments';

export function build(outdir: string): Environments {
  const envs = new Environments(outdir, { gitops: { repoURL: 'https://git.example.com/platform/obs.git' } });
  for (const env of ENVIRONMENTS) envs.add(env.name, env.props);

  const staging = envs.add('staging', {
    namespace: 'observability-staging',
    metricsCollector: { replicas: 2 },
    prometheus: { retention: '7d' },
  });
  // the pipeline: added to staging's metrics collector only, before synth
  const cfg = staging.stack.metricsCollector.config;
  const pods = new components.DiscoveryKubernetes(cfg, 'team_pods', { role: 'pod' });
  const annotated = new components.DiscoveryRelabel(cfg, 'team_annotated_pods', {
    targets: pods.targets,
    rule: [
      { sourceLabels: ['__meta_kubernetes_pod_annotation_shop_example_com_scrape'], regex: 'true', action: 'keep' },
      { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
      { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' },
    ],
  });
  new components.PrometheusScrape(cfg, 'team_pods_scrape', {
    label: 'team_pods',
    targets: annotated.output,
    forwardTo: [staging.stack.prometheus.metricsReceiver(cfg)],
    // the collector's replicas share the targets instead of scraping each twice
    clustering: { enabled: true },
  });
  return envs;
}

if (require.main === module) build(process.argv[2] ?? 'dist-example').synth();
