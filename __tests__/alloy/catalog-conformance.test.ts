/**
 * Every name a hand-written schema renders is one Alloy v1.18.1 accepts, at the same block
 * path, and required exactly where Alloy requires it. The facts come from the Go code
 * (the catalog's code-schema.json, trimmed into the fixture by scripts/trim-alloy-schema.js).
 */
import * as facts from '../fixtures/alloy-v1.18.1-code-schema.json';
import {
  BodySchema, ComponentDefinition, LOGGING_SCHEMA, LokiWrite, OtelcolExporterLoki, OtelcolExporterOtlp,
  OtelcolExporterPrometheus, OtelcolProcessorBatch, OtelcolProcessorMemoryLimiter, OtelcolReceiverOtlp,
  PrometheusRemoteWrite,
} from '../../lib/alloy';

type Attrs = Record<string, { optional: boolean }>;
type Facts = { arguments: Attrs; blocks: Record<string, { optional: boolean; attrs: Attrs }> };

function mismatches(body: BodySchema, known: Facts, path: string[] = []): string[] {
  const where = path.join(' > ');
  const attrs = path.length === 0 ? known.arguments : known.blocks[where].attrs;
  const problems: string[] = [];
  for (const [prop, field] of Object.entries(body)) {
    if (field.kind === 'attribute') {
      const fact = attrs[field.name];
      if (!fact) problems.push(`${where || '(body)'}: attribute ${field.name} (prop ${prop}) is unknown to Alloy`);
      else if (!!field.required !== !fact.optional) problems.push(`${where || '(body)'}: attribute ${field.name} required=${!!field.required}, Alloy: ${!fact.optional}`);
      continue;
    }
    const inner = [...path, field.name];
    const fact = known.blocks[inner.join(' > ')];
    if (!fact) {
      problems.push(`block ${inner.join(' > ')} (prop ${prop}) is unknown to Alloy`);
      continue;
    }
    if (!!field.required !== !fact.optional) problems.push(`block ${inner.join(' > ')} required=${!!field.required}, Alloy: ${!fact.optional}`);
    problems.push(...mismatches(field.body, known, inner));
  }
  return problems;
}

const COMPONENTS: ComponentDefinition[] = [
  LokiWrite, OtelcolExporterLoki, OtelcolExporterOtlp, OtelcolExporterPrometheus, OtelcolProcessorBatch,
  OtelcolProcessorMemoryLimiter, OtelcolReceiverOtlp, PrometheusRemoteWrite,
].map((c) => c.DEFINITION);

describe('hand-written schemas against Alloy v1.18.1', () => {
  test.each(COMPONENTS.map((d) => [d.name, d]))('%s uses only names Alloy accepts, required where Alloy requires', (name, d) => {
    const known = (facts as unknown as Record<string, Facts>)[name as string];
    expect(mismatches((d as ComponentDefinition).schema, known)).toEqual([]);
  });

  test('the logging block', () => {
    expect(mismatches(LOGGING_SCHEMA, (facts as unknown as Record<string, Facts>).logging)).toEqual([]);
  });

  test('the check itself catches a wrong name and a wrong required flag', () => {
    const known = (facts as unknown as Record<string, Facts>)['otelcol.exporter.otlp'];
    expect(mismatches({ endpoint: { kind: 'attribute', name: 'endpoint', type: 'string' } }, known)).toEqual([
      '(body): attribute endpoint (prop endpoint) is unknown to Alloy',
    ]);
    expect(mismatches({ client: { kind: 'block', name: 'client', body: {} } }, known)).toEqual([
      'block client required=false, Alloy: true',
    ]);
  });
});
