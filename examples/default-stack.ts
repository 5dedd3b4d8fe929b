/**
 * Example 1: the default stack, as main.ts builds it, for one environment.
 *
 *   npx tsx examples/default-stack.ts <outdir>
 */
import { App } from 'cdk8s';
import { ObservabilityStack } from '../lib';

export function build(outdir: string): App {
  const app = new App({ outdir });
  new ObservabilityStack(app, 'observability', {
    namespace: 'observability',
    tempo: { retention: '168h' },
    loki: { tenant: 'platform' },
  });
  return app;
}

if (require.main === module) build(process.argv[2] ?? 'dist-example').synth();
