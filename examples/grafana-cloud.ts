/**
 * Example 7: every signal to a hosted Grafana stack (Grafana Cloud) instead of the bundled
 * backends. Each signal has its own endpoint and instance ID (the basic-auth username, and the
 * tenant: no tenant header), and one access-policy token, from a Secret, is the password of
 * all three. The stack then runs its collectors and Grafana only; its alerts are rendered for
 * the hosted Mimir's ruler (prod/rules/observability.yaml, with the mimirtool command that loads
 * it), and prod/external-backends.md says what each backend must accept.
 *
 *   kubectl -n observability create secret generic grafana-cloud --from-literal=token=glc_...
 *   npx tsx examples/grafana-cloud.ts <outdir>
 */
import { EnvironmentApp } from '../lib';

/** The access-policy token (metrics, logs and traces write and read, rules write), from a Secret. */
const token = { name: 'grafana-cloud', key: 'token' };

export function build(outdir: string): EnvironmentApp {
  return new EnvironmentApp(outdir, {
    name: 'prod',
    props: {
      external: {
        metrics: {
          name: 'cloud_metrics',
          remoteWriteUrl: 'https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push',
          // no otlpUrl: the gateway's OTLP metrics are converted and remote-written (send
          // cumulative temporality); Grafana Cloud's OTLP endpoint takes another instance ID
          queryUrl: 'https://prometheus-prod-01-eu-west-0.grafana.net/api/prom',
          credentials: { basicAuth: { username: '123456', password: token } },
          alerts: { ruler: { url: 'https://prometheus-prod-01-eu-west-0.grafana.net' } },
        },
        logs: {
          name: 'cloud_logs',
          url: 'https://logs-prod-eu-west-0.grafana.net',
          credentials: { basicAuth: { username: '234567', password: token } },
        },
        traces: {
          name: 'cloud_traces',
          otlpGrpcEndpoint: 'tempo-prod-04-eu-west-0.grafana.net:443',
          queryUrl: 'https://tempo-prod-04-eu-west-0.grafana.net/tempo',
          credentials: { basicAuth: { username: '345678', password: token } },
        },
      },
    },
  });
}

if (require.main === module) build(process.argv[2] ?? 'dist-example').synth();
