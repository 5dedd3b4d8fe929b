/**
 * Renders a generated config of N components (AlloyConfig.render alone) and prints the
 * milliseconds of each of several runs as JSON. A chain of prometheus.relabel components,
 * each forwarding to the next, ending in one prometheus.remote_write.
 *
 *   node render.js <components> <runs>
 */
import { Testing } from 'cdk8s';
import { PrometheusRelabel, PrometheusRemoteWrite } from '../imports/alloy';
import { AlloyConfig, MetricsReceiver } from '../lib/alloy';

const n = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 5);
const times: number[] = [];
for (let r = 0; r < runs + 1; r++) {
  const cfg = new AlloyConfig(Testing.chart(), 'alloy');
  let next: MetricsReceiver = new PrometheusRemoteWrite(cfg, 'sink', { endpoint: { url: 'http://prometheus:9090/api/v1/write' } }).receiver;
  for (let i = 1; i < n; i++) {
    next = new PrometheusRelabel(cfg, `relabel_${i}`, {
      forwardTo: [next],
      rule: { sourceLabels: ['__name__'], regex: `metric_${i}_.+`, action: 'keep' },
    }).receiver;
  }
  const start = process.hrtime.bigint();
  const text = cfg.render();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (text.length === 0) throw new Error('empty render');
  if (r > 0) times.push(ms); // the first run warms up
}
console.log(JSON.stringify(times));
