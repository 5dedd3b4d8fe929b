/**
 * Example 4: instrument an application of your own (a cdk8s-plus-28 Deployment in a chart and
 * namespace of its own) in one call: its containers send OTLP to the stack's gateway, each
 * pod its own service instance (downward API); the gateway's NetworkPolicy admits the app's
 * namespace on the OTLP port; alloy-metrics scrapes its /metrics by annotation.
 *
 *   npx tsx examples/instrument-an-app.ts <outdir>
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ObservabilityStack } from '../lib';

export function build(outdir: string): App {
  const app = new App({ outdir });
  const stack = new ObservabilityStack(app, 'observability');

  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const checkout = new kplus.Deployment(shop, 'checkout', {
    metadata: { name: 'checkout' },
    containers: [{ name: 'app', image: 'ghcr.io/example/checkout:1.4.2', ports: [{ number: 8080 }, { number: 9464, name: 'metrics' }] }],
  });
  stack.instrument(checkout, { scrape: { port: 9464 } });
  return app;
}

if (require.main === module) build(process.argv[2] ?? 'dist-example').synth();
