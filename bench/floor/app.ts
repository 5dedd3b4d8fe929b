/**
 * The floor of the benchmark: a minimal cdk8s-plus-28 app (one ConfigMap, Deployment and
 * Service), synthesized by node on compiled JavaScript.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

const app = new App();
const chart = new Chart(app, 'hello');
const config = new kplus.ConfigMap(chart, 'config', { data: { 'app.conf': 'greeting = hello\n' } });
const deployment = new kplus.Deployment(chart, 'web', {
  containers: [{ image: 'nginx:1.27', portNumber: 8080, volumeMounts: [{ path: '/etc/app', volume: kplus.Volume.fromConfigMap(chart, 'config-volume', config) }] }],
});
deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
app.synth();
