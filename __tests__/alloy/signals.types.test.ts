/**
 * Wiring checked by the compiler: each `@ts-expect-error` below must be an error, or
 * `tsc --noEmit` (run by __tests__/typecheck.test.ts) fails with "Unused '@ts-expect-error'".
 */
import { Testing } from 'cdk8s';
import {
  AlloyConfig, LokiWrite, OtelcolExporterLoki, OtelcolExporterOtlp, OtelcolExporterPrometheus, OtelcolProcessorBatch,
  PrometheusRemoteWrite,
} from '../../lib/alloy';

test('signal and receiver types are enforced at compile time', () => {
  const cfg = new AlloyConfig(Testing.chart(), 'alloy');
  const rw = new PrometheusRemoteWrite(cfg, 'rw');
  const lw = new LokiWrite(cfg, 'lw');
  const toLoki = new OtelcolExporterLoki(cfg, 'logs', { forwardTo: [lw.receiver] });
  const toProm = new OtelcolExporterPrometheus(cfg, 'metrics', { forwardTo: [rw.receiver] });
  const toTempo = new OtelcolExporterOtlp(cfg, 'traces', { client: { endpoint: 'tempo:4317' } });

  // an all-signal consumer fits every list; a single-signal consumer only its own
  new OtelcolProcessorBatch(cfg, 'ok', { output: { traces: [toTempo.input], metrics: [toProm.input, toTempo.input], logs: [toLoki.input] } });
  // @ts-expect-error a logs-only input cannot take traces
  new OtelcolProcessorBatch(cfg, 'b1', { output: { traces: [toLoki.input] } });
  // @ts-expect-error a metrics-only input cannot take logs
  new OtelcolProcessorBatch(cfg, 'b2', { output: { logs: [toProm.input] } });
  // @ts-expect-error a Loki receiver is not a Prometheus receiver
  new OtelcolExporterPrometheus(cfg, 'p2', { forwardTo: [lw.receiver] });
  // @ts-expect-error a Prometheus receiver is not a Loki receiver
  new OtelcolExporterLoki(cfg, 'l2', { forwardTo: [rw.receiver] });
  // @ts-expect-error secrets do not take string literals
  new LokiWrite(cfg, 'lw2', { endpoints: [{ url: 'http://x', bearerToken: 'literal' }] });
  // @ts-expect-error required arguments are required props
  new OtelcolExporterOtlp(cfg, 'o2', { client: {} });
  expect(cfg.components.length).toBeGreaterThan(0);
});
