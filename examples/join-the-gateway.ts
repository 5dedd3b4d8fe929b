/**
 * Example: join the gateway's pipeline. A receiver of your own (Zipkin spans on 9411) feeds the
 * gateway's memory limiter, so its data takes the gateway's road from there: the memory limit,
 * the Kubernetes enrichment and instance identity, and the disk-queued exporters to Tempo,
 * Prometheus and Loki. The port is exposed by the container and the Service (extraPorts), and the
 * gateway's NetworkPolicy admits it like OTLP.
 *
 *   npx tsx examples/join-the-gateway.ts <outdir>
 */
import { App } from 'cdk8s';
import { ObservabilityStack, components } from '../lib';

export function build(outdir: string): App {
  const app = new App({ outdir });
  const stack = new ObservabilityStack(app, 'observability', {
    alloy: { extraPorts: [{ name: 'zipkin', port: 9411, appProtocol: 'http' }] },
  });
  new components.OtelcolReceiverZipkin(stack.alloy.config, 'zipkin', {
    endpoint: '0.0.0.0:9411',
    // after this, everything the OTLP receiver's data goes through
    output: { traces: [stack.gateway.memoryLimiter.input] },
  });
  return app;
}

if (require.main === module) build(process.argv[2] ?? 'dist-example').synth();
