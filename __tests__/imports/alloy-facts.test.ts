/**
 * imports/alloy/facts.json: how Go types of Alloy's code become argument kinds, and that the
 * file is what scripts/import-alloy-facts.js makes from the catalog.
 */
import * as fs from 'fs';
import * as path from 'path';
import { facts } from '../support/alloy-facts';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { kindOf, buildFacts, CATALOG_LOST } = require('../../scripts/import-alloy-facts.js') as {
  kindOf(goType: string, doc?: { kind?: string; type?: string }): string;
  buildFacts(catalog: string): { text: string; components: number };
  CATALOG_LOST: Array<{ name: string; type: string; optional: boolean; default: string | null; go: string; docs: string; blocks: Array<[string, string]> }>;
};

describe('Go types to argument kinds', () => {
  test.each([
    ['string', 'string'], ['URL', 'string'], ['units.Base2Bytes', 'string'], ['TLSVersion', 'string'],
    ['bool', 'bool'], ['*bool', 'bool'],
    ['time.Duration', 'duration'], ['*time.Duration', 'duration'],
    ['int', 'number'], ['uint32', 'number'], ['float64', 'number'], ['*int64', 'number'],
    ['alloytypes.Secret', 'secret'], ['alloytypes.OptionalSecret', 'string'],
    ['[]string', 'list(string)'], ['flagext.StringSlice', 'list(string)'], ['[]time.Duration', 'list(duration)'],
    ['map[string]string', 'map(string)'], ['map[string][]alloytypes.Secret', 'map(list(secret))'], ['map[string]alloytypes.Secret', 'map(secret)'],
    ['[]Consumer', 'consumers'], ['[]otelcol.Consumer', 'consumers'],
    ['[]loki.LogsReceiver', 'logs_receivers'], ['[]storage.Appendable', 'metrics_receivers'], ['[]pyroscope.Appendable', 'profiles_receivers'],
    ['[]discovery.Target', 'targets'], ['TargetsList', 'targets'],
    ['alloy_relabel.Rules', 'relabel_rules'], ['*auth.Handler', 'auth_handler'], ['*extension.ExtensionHandler', 'handler'],
    ['any', 'any'],
  ])('%s is %s', (goType, kind) => {
    expect(kindOf(goType)).toBe(kind);
  });

  test('a named Go type takes the kind the docs give it, else any', () => {
    expect(kindOf('ErrorMode', { kind: 'string', type: 'string' })).toBe('string');
    expect(kindOf('Statements', { kind: 'list', type: 'list(string)' })).toBe('list(string)');
    expect(kindOf('DecisionCacheConfig')).toBe('any');
  });

  test('few arguments are left untyped (any)', () => {
    let anyCount = 0;
    let total = 0;
    for (const c of Object.values(facts.components)) {
      for (const args of [c.arguments, ...Object.values(c.blocks).map((b) => b.arguments)]) {
        for (const a of Object.values(args)) {
          total++;
          if (a.kind === 'any') anyCount++;
        }
      }
    }
    expect(total).toBeGreaterThan(6000);
    expect(anyCount).toBeLessThan(40);
  });
});

describe('the arguments the shared catalog lost (CATALOG_LOST of scripts/import-alloy-facts.js)', () => {
  test('each names the Go struct tag and the docs row it was read from, at a line', () => {
    expect(CATALOG_LOST).toHaveLength(9);
    for (const l of CATALOG_LOST) {
      expect(['description', 'file']).toContain(l.name);
      expect(l.go).toMatch(/^internal\/component\/[a-z_/]+\.go:\d+ \(\w+\)$/);
      expect(l.docs).toMatch(/^docs\/sources\/reference\/components\/[a-z]+\/[a-z_.]+\.md:\d+$/);
    }
  });

  test('each is in facts.json, in every block it names, as the generator takes any other argument', () => {
    const places = CATALOG_LOST.flatMap((l) => l.blocks.map(([c, b]) => ({ l, c, b })));
    expect(places).toHaveLength(15);
    for (const { l, c, b } of places) {
      const arg = facts.components[c].blocks[b].arguments[l.name] as { kind: string; required: boolean; default?: string };
      expect({ at: `${c} > ${b} { ${l.name} }`, ...arg }).toEqual({
        at: `${c} > ${b} { ${l.name} }`, kind: kindOf(l.type), required: !l.optional, ...(l.default === null ? {} : { default: l.default }),
      });
    }
    // the one required among them
    expect(places.filter(({ l }) => !l.optional).map(({ c, b, l }) => `${c} > ${b} { ${l.name} }`)).toEqual(['loki.source.journal > legacy_position { file }']);
  });
});

const catalog = path.join(__dirname, '..', '..', '..', 'shared', 'alloy-catalog');
const haveCatalog = fs.existsSync(path.join(catalog, 'code-schema.json'));
if (!haveCatalog) {
  // eslint-disable-next-line no-console
  console.warn(`the Alloy catalog is not at ${catalog}: the check that facts.json is reproducible is skipped`);
}

(haveCatalog ? test : test.skip)('npm run import:alloy-facts reproduces imports/alloy/facts.json byte for byte', () => {
  const built = buildFacts(catalog);
  expect(built.components).toBe(185);
  expect(built.text === fs.readFileSync(path.join(__dirname, '..', '..', 'imports', 'alloy', 'facts.json'), 'utf-8')).toBe(true);
});
