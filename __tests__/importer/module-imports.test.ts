/**
 * The module import writes names only what it uses (the project compiles with
 * noUnusedLocals, as many do), and a file with nothing to import is a clear error.
 */
import { parseFileOrThrow } from '../../lib/alloy/syntax/parser';
import { AlloyImportError, importConfig } from '../../lib/importer';

/** Each name the module's import lines bring in, with how often the rest of the module uses it. */
function uses(module: string): Record<string, number> {
  const imports = [...module.matchAll(/^import \{ ([^}]+) \} from/gm)].flatMap((m) => m[1].split(',').map((n) => n.trim()));
  const rest = module.replace(/^import .*$/gm, '').replace(/^\s*\/\/.*$/gm, '');
  return Object.fromEntries(imports.map((n) => [n, (rest.match(new RegExp(`\\b${n}\\b`, 'g')) ?? []).length]));
}

test('a print order and a layout of names alone import no Layout; every imported name is used', () => {
  const text = [
    'prometheus.exporter.self "default" { }',
    '',
    'prometheus.scrape "s" {',
    '\ttargets    = prometheus.exporter.self.default.targets',
    '\tforward_to = [prometheus.remote_write.default.receiver]',
    '}',
    '',
    'prometheus.remote_write "default" {',
    '\tendpoint {',
    '\t\turl = "http://mimir:9009/api/v1/push"',
    '\t}',
    '}',
    '',
  ].join('\n');
  const module = importConfig(parseFileOrThrow(text, 'order.alloy'));
  expect(module).toContain('config.printOrder([');
  expect(module).toContain(".layout(['targets', 'forward_to']);");
  const counts = uses(module);
  expect(Object.keys(counts)).not.toContain('Layout');
  expect(Object.entries(counts).filter(([, n]) => n === 0)).toEqual([]);
});

test('a comment in the print order does import Layout, and uses it', () => {
  const text = '// the pods\nprometheus.exporter.self "default" { }\n';
  const counts = uses(importConfig(parseFileOrThrow(text, 'c.alloy')));
  expect(counts.Layout).toBeGreaterThan(0);
});

test('fails when the file holds no block: nothing to import', () => {
  for (const text of ['', '// only a comment\n']) {
    expect(() => importConfig(parseFileOrThrow(text, 'empty.alloy'))).toThrow(AlloyImportError);
    expect(() => importConfig(parseFileOrThrow(text, 'empty.alloy'))).toThrow(
      'empty.alloy:1:1: the file holds no component or configuration block, so there is nothing to import; import a config.alloy with at least one block',
    );
  }
});
