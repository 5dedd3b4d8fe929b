/**
 * The images the stack runs, pinned by exact tag in this one place. Each workload takes an
 * `image` prop to override its own.
 */
export const IMAGES = {
  alloy: 'grafana/alloy:v1.18.1',
  tempo: 'grafana/tempo:2.10.8',
  prometheus: 'prom/prometheus:v3.14.0',
  loki: 'grafana/loki:3.7.6',
  grafana: 'grafana/grafana:12.4.3',
  alertmanager: 'prom/alertmanager:v0.29.0',
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0',
  smokeTest: 'node:20.20.2-alpine3.22',
} as const;
