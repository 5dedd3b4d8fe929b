/**
 * Wiring checked by the compiler: each `@ts-expect-error` below must be an error, or
 * `tsc --noEmit` (run by __tests__/typecheck.test.ts) fails with "Unused '@ts-expect-error'".
 */
import { Testing } from 'cdk8s';
import {
  DiscoveryKubernetes, LokiWrite, OtelcolAuthBearer, OtelcolConnectorSpanmetrics, OtelcolExporterLoki, OtelcolExporterOtlp,
  OtelcolExporterPrometheus, OtelcolProcessorBatch, OtelcolStorageFile, PrometheusRemoteWrite, PrometheusScrape,
} from '../../imports/alloy';
import { AlloyConfig, Expr } from '../../lib/alloy';

test('signal and capsule types are enforced at compile time', () => {
  const cfg = new AlloyConfig(Testing.chart(), 'alloy');
  const rw = new PrometheusRemoteWrite(cfg, 'rw');
  const lw = new LokiWrite(cfg, 'lw');
  const toLoki = new OtelcolExporterLoki(cfg, 'logs', { forwardTo: [lw.receiver] });
  const toProm = new OtelcolExporterPrometheus(cfg, 'metrics', { forwardTo: [rw.receiver] });
  const toTempo = new OtelcolExporterOtlp(cfg, 'traces', { client: { endpoint: 'tempo:4317' } });
  const spans = new OtelcolConnectorSpanmetrics(cfg, 'spans', { histogram: {}, output: { metrics: [toProm.input] } });
  const auth = new OtelcolAuthBearer(cfg, 'auth', { token: Expr.env('TOKEN') });
  const storage = new OtelcolStorageFile(cfg, 'queue');
  const pods = new DiscoveryKubernetes(cfg, 'pods', { role: 'pod' });

  // an all-signal consumer fits every list; a single-signal consumer only its own
  new OtelcolProcessorBatch(cfg, 'ok', { output: { traces: [toTempo.input, spans.input], metrics: [toProm.input, toTempo.input], logs: [toLoki.input] } });
  new OtelcolExporterOtlp(cfg, 'ok2', { client: { endpoint: 'x:4317', auth: auth.handler }, sendingQueue: { storage: storage.handler } });
  new PrometheusScrape(cfg, 'ok3', { targets: pods.targets, forwardTo: [rw.receiver] });

  // @ts-expect-error a logs-only input cannot take traces
  new OtelcolProcessorBatch(cfg, 'b1', { output: { traces: [toLoki.input] } });
  // @ts-expect-error a metrics-only input cannot take logs
  new OtelcolProcessorBatch(cfg, 'b2', { output: { logs: [toProm.input] } });
  // @ts-expect-error a traces-only connector cannot take metrics
  new OtelcolProcessorBatch(cfg, 'b3', { output: { metrics: [spans.input] } });
  // @ts-expect-error a Loki receiver is not a Prometheus receiver
  new OtelcolExporterPrometheus(cfg, 'p2', { forwardTo: [lw.receiver] });
  // @ts-expect-error a Prometheus receiver is not a Loki receiver
  new OtelcolExporterLoki(cfg, 'l2', { forwardTo: [rw.receiver] });
  // @ts-expect-error a storage handler is not an auth handler
  new OtelcolExporterOtlp(cfg, 'o3', { client: { endpoint: 'x:4317', auth: storage.handler } });
  // @ts-expect-error an auth handler is not a storage handler
  new OtelcolExporterOtlp(cfg, 'o4', { client: { endpoint: 'x:4317' }, sendingQueue: { storage: auth.handler } });
  // @ts-expect-error targets are not a receiver
  new PrometheusScrape(cfg, 's2', { targets: pods.targets, forwardTo: [pods.targets] });
  // @ts-expect-error secrets do not take string literals
  new LokiWrite(cfg, 'lw2', { endpoint: [{ url: 'http://x', bearerToken: 'literal' }] });
  // @ts-expect-error required arguments are required props
  new OtelcolExporterOtlp(cfg, 'o2', { client: {} });
  // @ts-expect-error a required block is a required prop
  new OtelcolConnectorSpanmetrics(cfg, 'sm2', { output: {} });
  // @ts-expect-error names are Alloy's in camelCase: there is no maxStream
  new LokiWrite(cfg, 'lw3', { maxStream: 1 });
  // @ts-expect-error a typed export is not a string
  new OtelcolExporterOtlp(cfg, 'o5', { client: { endpoint: toTempo.input } });
  // @ts-expect-error a typed export is not a secret
  new LokiWrite(cfg, 'lw4', { endpoint: [{ url: 'http://x', bearerToken: rw.receiver }] });
  // @ts-expect-error a receiver is not a list of targets
  new PrometheusScrape(cfg, 's3', { targets: lw.receiver, forwardTo: [rw.receiver] });
  // @ts-expect-error spanmetrics outputs metrics only: its output block has no traces
  new OtelcolConnectorSpanmetrics(cfg, 'sm3', { histogram: {}, output: { traces: [toTempo.input] } });
  // @ts-expect-error a required block cannot be an empty list
  new OtelcolExporterOtlp(cfg, 'o6', { client: [] });
  expect(cfg.components.length).toBeGreaterThan(0);
});
