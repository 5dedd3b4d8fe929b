import { assertDottedName, assertIdentifier, isIdentifier } from '../../../lib/alloy/syntax';

describe('identifiers', () => {
  test.each(['a', '_', 'default', 'my_pipeline_2', 'ünï', '名前', 'A1'])('%s is an identifier', (name) => {
    expect(isIdentifier(name)).toBe(true);
  });

  test.each(['', '1a', 'a-b', 'a.b', 'a b', 'true', 'false', 'null', 'é-', '$x'])('%s is not an identifier', (name) => {
    expect(isIdentifier(name)).toBe(false);
  });

  test('fails when a label is invalid, naming subject, value and fix', () => {
    expect(() => assertIdentifier('stack/alloy/x', 'label', 'my-label')).toThrow(
      'stack/alloy/x: invalid label (got "my-label"); use letters, digits and "_", not starting with a digit and not one of true, false, null (for example "my_pipeline")',
    );
  });

  test('fails when a dotted name has an empty or invalid part', () => {
    expect(() => assertDottedName('s', 'component name', 'otelcol.')).toThrow('s: invalid component name (got "otelcol.")');
    expect(() => assertDottedName('s', 'component name', 'otelcol.exporter.otlp')).not.toThrow();
  });
});
