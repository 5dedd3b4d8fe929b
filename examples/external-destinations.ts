/**
 * Example 2: sending to external endpoints with credentials from Kubernetes Secrets. The
 * values never appear in config.alloy or the manifests: each becomes an environment variable
 * from its Secret, read with sys.env(...).
 *
 *   kubectl -n observability create secret generic vendor-otlp --from-literal=token=...
 *   kubectl -n observability create secret generic mimir --from-literal=password=...
 *   npx tsx examples/external-destinations.ts <outdir>
 */
import { App } from 'cdk8s';
import { Destination, ObservabilityStack, OtlpGateway } from '../lib';

export function build(outdir: string): App {
  const app = new App({ outdir });
  const stack = new ObservabilityStack(app, 'observability', {
    alloy: {
      extraPorts: [{ name: 'vendor-grpc', port: 5317, appProtocol: 'grpc' }, { name: 'vendor-http', port: 5318, appProtocol: 'http' }],
      // the vendor's traces take a disk queue of their own (3Gi by default): room for it
      storageSize: '15Gi',
    },
  });
  // a second entry point whose data goes to a vendor and a hosted Mimir
  new OtlpGateway(stack.alloy.config, 'vendor', {
    label: 'vendor',
    grpcPort: 5317,
    httpPort: 5318,
    traces: Destination.otlpGrpc({
      name: 'vendor',
      endpoint: 'otlp.vendor.example.com:443',
      credentials: { bearerToken: { name: 'vendor-otlp', key: 'token' } },
    }),
    metrics: Destination.remoteWrite({
      name: 'mimir',
      url: 'https://mimir.example.com/api/v1/push',
      credentials: { basicAuth: { username: 'tenant-1', password: { name: 'mimir', key: 'password' } } },
    }),
    memoryLimitMib: stack.alloy.memoryLimiterMib,
  });
  return app;
}

if (require.main === module) build(process.argv[2] ?? 'dist-example').synth();
