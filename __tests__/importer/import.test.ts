/**
 * importConfig: the round trip over the corpus (dist/'s configs, the config goldens, the
 * hand-written configs in ./corpus), the module type-checks, and each problem is an error at
 * file:line:col that says how to fix it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import * as ts from 'typescript';
import { Construct } from 'constructs';
import { AlloyConfig, CONFIG_HEADER } from '../../lib/alloy';
import { Stmt, formatSource, parseFileOrThrow } from '../../lib/alloy/syntax';
import { AlloyImportError, importConfig } from '../../lib/importer';
import { buildPlan } from '../../lib/importer/build';
import { PProp, PValue, planImport } from '../../lib/importer/plan';

const ROOT = path.join(__dirname, '..', '..');
const HEADER = `// ${CONFIG_HEADER}\n`;

/** name -> text of every config in the corpus. */
function corpus(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, match: (f: string) => boolean, found: string[] = []): string[] => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, match, found);
      else if (match(p)) found.push(p);
    }
    return found;
  };
  for (const file of walk(path.join(ROOT, 'dist'), (f) => f.endsWith('.k8s.yaml')).sort()) {
    yaml.loadAll(fs.readFileSync(file, 'utf8')).forEach((doc) => {
      const o = doc as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> };
      if (o?.kind === 'ConfigMap' && o.data?.['config.alloy'] !== undefined) {
        out.set(`${path.relative(ROOT, file)}:${o.metadata?.name}`, o.data['config.alloy']);
      }
    });
  }
  // the hand-written configs are .alloy.txt: not the printer's output, so out of the parser's round-trip corpus
  const goldens = walk(path.join(ROOT, '__tests__'), (f) => (f.endsWith('.alloy') && !f.includes(`${path.sep}syntax${path.sep}`)) ||
    (f.endsWith('.alloy.txt') && f.includes(`${path.sep}importer${path.sep}corpus${path.sep}`)));
  for (const file of goldens.sort()) out.set(path.relative(ROOT, file), fs.readFileSync(file, 'utf8'));
  return out;
}

const CORPUS = corpus();
const MODULE_IMPORTS = (dir: string) => ({
  root: path.relative(dir, path.join(ROOT, 'lib')).split(path.sep).join('/'),
  components: path.relative(dir, path.join(ROOT, 'imports', 'alloy')).split(path.sep).join('/'),
});

function importText(text: string, name = 'test.alloy', options: Parameters<typeof importConfig>[1] = {}): string {
  return importConfig(parseFileOrThrow(text, name), options);
}

function importError(text: string, options: Parameters<typeof importConfig>[1] = {}): string {
  try {
    importText(text, 'test.alloy', options);
  } catch (e) {
    expect(e).toBeInstanceOf(AlloyImportError);
    return (e as Error).message;
  }
  throw new Error('expected the import to fail');
}

describe('the round trip: import, then build the module and render', () => {
  // a folder inside the repository, so the modules import the library by relative path;
  // outside tsconfig's include, so the project's own type check never sees it
  let dir = '';
  const modules = new Map<string, string>();
  beforeAll(() => { dir = fs.mkdtempSync(path.join(ROOT, '.import-test-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the corpus holds dist/\'s configs, the config goldens and the hand-written configs', () => {
    const names = [...CORPUS.keys()];
    expect(names.filter((n) => n.startsWith('dist/')).length).toBeGreaterThanOrEqual(3);
    expect(names.filter((n) => n.includes('golden')).length).toBeGreaterThanOrEqual(10);
    expect(names.filter((n) => n.includes('importer/corpus')).length).toBeGreaterThanOrEqual(6);
    expect(names.filter((n) => n.includes('importer/corpus/hand-written-') && n.endsWith('.alloy.txt')).length).toBeGreaterThanOrEqual(3);
  });

  test.each([...CORPUS.keys()])('%s renders byte for byte', (name) => {
    const text = CORPUS.get(name)!;
    const file = `m${modules.size}.ts`;
    const source = importText(text, name, { imports: MODULE_IMPORTS(dir) });
    fs.writeFileSync(path.join(dir, file), source);
    modules.set(name, file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, file)) as { buildConfig(scope: Construct, id?: string): AlloyConfig };
    const config = mod.buildConfig(new Construct(undefined as unknown as Construct, ''));
    expect(config).toBeInstanceOf(AlloyConfig);
    // byte for byte: a file without the header renders without it (AlloyConfig's header: false)
    expect(config.render()).toBe(text);
    expect(source.includes('{ header: false }')).toBe(!text.startsWith(HEADER));
  });

  test('every module type-checks against the library', () => {
    expect(modules.size).toBe(CORPUS.size);
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, {
      ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); },
    })!;
    const program = ts.createProgram([...modules.values()].map((f) => path.join(dir, f)), { ...parsed.options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, {
      getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n',
    }));
    expect(problems).toEqual([]);
  });
});

describe('hand-written configs (corpus/hand-written-*.alloy.txt): real layouts round-trip through the layout calls', () => {
  const dir = path.join(__dirname, 'corpus');
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('hand-written-')).sort();

  test('there are hand-written configs: discovery first, comments between and inside components, human order, a header and none', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  test.each(files)('%s: import, build and render is byte-identical to alloy fmt of the input', (f) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const file = parseFileOrThrow(text, f);
    const built = buildPlan(planImport(file), (_c, e) => { throw e; });
    expect(built.config.render()).toBe(formatSource(text, f));
    // the module says the same with the layout calls, and no escape hatch of another kind
    const source = importText(text, f);
    expect(source).toMatch(/\.layout\(\[/);
    expect(source).toContain('config.printOrder([');
    expect(source).not.toMatch(/addAttribute|addBlock/);
    expect(source.includes('{ header: false }')).toBe(!text.startsWith(HEADER));
  });
});

describe('list layout: Layout.lines and Layout.oneLine where the input lays a list out otherwise than the printer would', () => {
  const text = fs.readFileSync(path.join(__dirname, 'corpus', 'hand-written-short-lists.alloy.txt'), 'utf8');
  const source = importText(text, 'short-lists.alloy');

  test('the hand-written file is alloy fmt form, and import, build and render give it back byte for byte', () => {
    expect(formatSource(text)).toBe(text);
    const built = buildPlan(planImport(parseFileOrThrow(text, 'short-lists.alloy')), (_c, e) => { throw e; });
    expect(built.config.render()).toBe(text);
  });

  test('a short list written one element per line is Layout.lines, in props, blocks, object fields and output blocks', () => {
    expect(source).toContain("namespaces: { names: Layout.lines(['apps']) }");
    expect(source).toContain("sourceLabels: Layout.lines(['__meta_kubernetes_pod_annotation_prometheus_io_scrape']),");
    expect(source).toContain('forwardTo: Layout.lines([remoteWriteMimir.receiver]),');
    expect(source).toContain("audience: Layout.lines(['tempo']),");
    expect(source).toContain("output: { traces: Layout.lines([transformTag.input]) }");
  });

  test('a list longer than 80 characters written on one line is Layout.oneLine', () => {
    expect(source).toMatch(/sourceLabels: Layout\.oneLine\(\[\n\s+'__meta_kubernetes_namespace',/);
    expect(source).toMatch(/scopes: Layout\.oneLine\(\[\n\s+'traces:write',/);
  });

  test('a list laid out as the printer would needs no hint, and the hints carry no import comment', () => {
    expect(source).toContain('forwardTo: [remoteWriteMimir.receiver],');
    expect(source).toContain("Expr.call('array.concat', [{ __address__: 'localhost:12345' }], kubernetesPods.targets)");
    expect(source).toContain('output: { traces: [otlpTempo.input] }');
    expect(source.split('\n').filter((l) => l.includes('cdk8s-alloy import:') && /list/i.test(l))).toEqual([]);
  });

  test('without the hints the typed constructs render the lists otherwise: the hints are what keeps them', () => {
    const plan = planImport(parseFileOrThrow(text, 'short-lists.alloy'));
    const strip = (v: PValue): PValue => (v.kind === 'list' ? { kind: 'list', items: v.items.map(strip) }
      : v.kind === 'object' ? { ...v, fields: v.fields.map(([k, x]) => [k, strip(x)] as const) }
        : v.kind === 'call' ? { ...v, args: v.args.map(strip) } : v);
    const stripProps = (props: ReadonlyArray<readonly [string, PProp]>): Array<readonly [string, PProp]> => props.map(([k, p]) => [k,
      p.kind === 'value' ? { kind: 'value', value: strip(p.value) }
        : p.kind === 'blocks' ? { kind: 'blocks', items: p.items.map((b) => ({ ...b, props: stripProps(b.props) })) }
          : { kind: 'stages', items: p.items.map(([key, b]) => [key, { ...b, props: stripProps(b.props) }] as const) }] as const);
    for (const c of plan.creation) c.props.splice(0, c.props.length, ...stripProps(c.props));
    const rendered = buildPlan(plan, (_c, e) => { throw e; }).config.render();
    expect(rendered).not.toBe(text);
    expect(rendered).toContain('\tforward_to      = [prometheus.remote_write.mimir.receiver]\n');
  });

  test('fails when a list is written over lines with elements sharing a line, naming the list and the fix', () => {
    const mixed = 'prometheus.scrape "pods" {\n\ttargets    = []\n\tforward_to = [prometheus.remote_write.a.receiver,\n\t\tprometheus.remote_write.b.receiver]\n}\n\n' +
      'prometheus.remote_write "a" { }\n\nprometheus.remote_write "b" { }\n';
    expect(formatSource(mixed)).toBe(mixed);
    expect(importError(mixed)).toBe(
      'test.alloy:3:15: a list written over several lines with elements sharing a line (with the brackets or each other); ' +
      'the printer writes a list on one line, or one element per line: put each element on a line of its own, or the whole list on one line',
    );
    const notes: string[] = [];
    expect(importText(mixed, 'test.alloy', { allowChanges: true, onNote: (n) => notes.push(n) })).toContain('forwardTo: [remoteWriteA.receiver, remoteWriteB.receiver]');
    expect(notes).toHaveLength(1);
  });

  test('a list of objects written [{ ... }] is such a list too', () => {
    const text2 = 'prometheus.scrape "self" {\n\ttargets = [{\n\t\t__address__ = "localhost:12345",\n\t}]\n\tforward_to = []\n}\n';
    expect(formatSource(text2)).toBe(text2);
    expect(importError(text2)).toMatch(/^test\.alloy:2:12: a list written over several lines with elements sharing a line/);
  });
});

describe('what the module says', () => {
  const text = fs.readFileSync(path.join(__dirname, 'corpus', 'metrics-pipeline.alloy'), 'utf8');
  const source = importText(text, 'metrics-pipeline.alloy');

  test('imports the package and its components, and exports one function', () => {
    expect(source).toContain("from 'cdk8s-alloy';");
    expect(source).toContain("import { DiscoveryKubernetes, DiscoveryRelabel, LoggingBlock, PrometheusRemoteWrite, PrometheusScrape } from 'cdk8s-alloy/components';");
    expect(source).toContain("export function buildConfig(scope: Construct, id: string = 'config'): AlloyConfig {");
    expect(importText(text, 'x.alloy', { functionName: 'metrics' })).toContain('export function metrics(');
  });

  test('references are the exports of the component objects, created first, not strings', () => {
    expect(source).toContain('targets: kubernetesPods.targets,');
    expect(source).toContain('forwardTo: [remoteWriteMimir.receiver],');
    expect(source).not.toMatch(/discovery\.kubernetes\.pods|prometheus\.remote_write\.mimir/);
    expect(source.indexOf('const remoteWriteMimir')).toBeLessThan(source.indexOf('new PrometheusScrape'));
  });

  test('sys.env becomes the secret reference Expr.env', () => {
    expect(source).toContain("basicAuth: { password: Expr.env('MIMIR_PASSWORD'), username: 'tenant-42' },");
  });

  test('typed props carry the camelCase names; a block with a comment keeps it through a nested layout, marked', () => {
    expect(source).toContain("queueConfig: { capacity: 20000, maxSamplesPerSend: 4000 },");
    expect(source).toContain(
      "// cdk8s-alloy import: the body as the input lays it out, with its comments; typed props alone print attributes, then blocks, in schema order\n" +
      "  relabelPods.layout([\n    'targets',\n    'rule',\n    Layout.block('rule', [\n      Layout.comment('the port the pod asks to be scraped on'),\n" +
      "      'regex',\n      'replacement',\n      'source_labels',\n      'target_label',\n    ]),\n  ]);",
    );
    expect(source).not.toMatch(/addAttribute|addBlock/);
  });

  test('attributes out of schema order stay typed props, the required ones too, and a layout keeps their order', () => {
    const out = importText('prometheus.scrape "pods" {\n\ttargets    = []\n\tforward_to = []\n}\n', 'p.alloy');
    expect(out).toContain("const scrapePods = new PrometheusScrape(config, 'pods', { forwardTo: [], targets: [], dropOutput: true });");
    expect(out).toContain("typed props alone print attributes, then blocks, in schema order\n  scrapePods.layout(['targets', 'forward_to']);");
    const batch = importText('otelcol.processor.batch "b" {\n\toutput { }\n\n\ttimeout         = "1s"\n\tsend_batch_size = 10\n}\n', 'b.alloy');
    expect(batch).toContain("const batchB = new OtelcolProcessorBatch(config, 'b', { sendBatchSize: 10, timeout: '1s', output: {}, dropOutput: true });");
    expect(batch).toContain("batchB.layout(['output', Layout.blank(), 'timeout', 'send_batch_size']);");
  });

  test('a component whose label differs from its construct id keeps its label; strings with quotes and controls are escaped', () => {
    const out = importText('local.file "a" {\n\tfilename = "it\'s\\n\\u2028"\n}\n');
    expect(out).toContain("new LocalFile(config, 'a', { filename: 'it\\'s\\n\\u2028' });");
  });
});

describe('the arguments the shared catalog lost (fields named description and file) are typed props', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CATALOG_LOST } = require('../../scripts/import-alloy-facts.js') as {
    CATALOG_LOST: Array<{ name: string; blocks: Array<[string, string]> }>;
  };
  const read = (f: string) => fs.readFileSync(path.join(__dirname, 'corpus', f), 'utf8');
  const roundTrip = (text: string, name: string) => buildPlan(planImport(parseFileOrThrow(text, name)), (_c, e) => { throw e; }).config.render();

  test('a stage.metrics counter with a description imports, builds and renders byte for byte (corpus/catalog-lost-description.alloy)', () => {
    const text = read('catalog-lost-description.alloy');
    const source = importText(text, 'x.alloy');
    expect(source).toContain("metricCounter: {\n            action: 'inc',\n            description: 'log lines',\n");
    expect(source).not.toMatch(/addAttribute|addBlock/);
    expect(roundTrip(text, 'x.alloy')).toBe(text);
  });

  test('corpus/catalog-lost-names.alloy sets every one of them, and imports to typed props alone', () => {
    const text = read('catalog-lost-names.alloy');
    const set = new Set<string>();
    const walk = (stmts: readonly Stmt[], component: string, at: string) => {
      for (const st of stmts) {
        if (st.type === 'attribute') set.add(`${component}: ${at} { ${st.name.name} }`);
        else walk(st.body, component || st.name.join('.'), component === '' ? '' : at === '' ? st.name.join('.') : `${at} > ${st.name.join('.')}`);
      }
    };
    walk(parseFileOrThrow(text, 'names.alloy').body, '', '');
    const lost = CATALOG_LOST.flatMap((l) => l.blocks.map(([c, b]) => `${c}: ${b} { ${l.name} }`));
    expect(lost).toHaveLength(15);
    expect(lost.filter((x) => !set.has(x))).toEqual([]);
    expect(importText(text, 'names.alloy')).not.toMatch(/addAttribute|addBlock|\/\/ cdk8s-alloy import:/);
    expect(roundTrip(text, 'names.alloy')).toBe(text);
  });
});

describe('problems are errors at file:line:col with a fix', () => {
  test('fails when a component is unknown', () => {
    expect(importError('prometheus.scrap "x" {\n}\n')).toMatch(
      /^test\.alloy:1:1: unknown component or block "prometheus\.scrap" \(Alloy v1\.18\.1 has no component by that name\); check the name: the prometheus components are .*prometheus\.scrape/,
    );
  });

  test('fails when an argument or block is unknown, listing the known ones', () => {
    expect(importError('local.file "a" {\n\tfilename = "x"\n\tpoll      = "1m"\n}\n')).toBe(
      'test.alloy:3:2: Alloy v1.18.1 knows no argument "poll" in local.file; use one of detector, filename, is_secret, poll_frequency',
    );
  });

  test.each([
    ['declare "x" {\n}\n', 'declare "x": a custom component (declare) has no typed construct'],
    ['import.file "m" {\n\tfilename = "m.alloy"\n}\n', 'import.file "m": modules (import.file) have no typed construct'],
  ])('fails when the file uses %j, naming the construct and the line', (text, what) => {
    expect(importError(text)).toBe(`test.alloy:1:1: cannot import ${what}; keep that part in a config of its own, or write the components it holds out in this file`);
  });

  test('fails when a reference names a component not in the file, or an export it lacks', () => {
    expect(importError('loki.source.file "f" {\n\ttargets    = []\n\tforward_to = [loki.write.gone.receiver]\n}\n')).toContain(
      'test.alloy:3:16: loki.write.gone.receiver references a component that is not in this file; declare that component in the file',
    );
    expect(importError('local.file "a" {\n\tfilename = "x"\n}\n\nlocal.file "b" {\n\tfilename = local.file.a.text\n}\n')).toContain(
      'test.alloy:6:13: local.file.a.text names no export of local.file "a" (got "text"); its exports are content',
    );
  });

  test('fails when components reference each other in a cycle', () => {
    const text = 'otelcol.processor.batch "a" {\n\toutput {\n\t\ttraces = [otelcol.processor.batch.b.input]\n\t}\n}\n\n' +
      'otelcol.processor.batch "b" {\n\toutput {\n\t\ttraces = [otelcol.processor.batch.a.input]\n\t}\n}\n';
    expect(importError(text)).toBe(
      'test.alloy:1:1: components reference each other in a cycle (otelcol.processor.batch "a" -> otelcol.processor.batch "b" -> otelcol.processor.batch "a"); Alloy refuses cyclic configs: break the loop',
    );
  });

  test('fails when the library refuses a value, at the attribute, with its fix', () => {
    expect(importError('otelcol.auth.basic "a" {\n\tpassword = "hunter2"\n\tusername = "u"\n}\n')).toBe(
      'test.alloy:2:2: otelcol.auth.basic "a": otelcol.auth.basic.a: password: a secret cannot be a literal (got a string literal); pass a reference such as Expr.env("MY_TOKEN") fed from a Kubernetes Secret',
    );
  });

  test('a file in an order AlloyConfig would not print (discovery first, configuration blocks last) gets a print order with its comments', () => {
    const text = 'discovery.kubernetes "pods" {\n\trole = "pod"\n}\n\n// Scrape every pod.\nprometheus.scrape "pods" {\n\tforward_to = []\n\ttargets    = discovery.kubernetes.pods.targets\n}\n\n' +
      '// logs at info\n\nlogging {\n\tlevel = "info"\n}\n';
    const out = importText(text);
    expect(out).toContain('const config = new AlloyConfig(scope, id, { header: false });');
    expect(out).toContain(
      "// cdk8s-alloy import: the order of the input, with its comments and blank lines; AlloyConfig alone prints configuration blocks, then components in data-flow order\n" +
      "  config.printOrder([\n    kubernetesPods,\n    Layout.blank(),\n    Layout.comment('Scrape every pod.'),\n    scrapePods,\n    Layout.blank(),\n" +
      "    Layout.comment('logs at info'),\n    Layout.blank(),\n    logging,\n  ]);",
    );
    expect(out.indexOf('const kubernetesPods')).toBeLessThan(out.indexOf('const scrapePods'));
  });

  test('fails when a comment has no place; with changes allowed, keeps it in the module', () => {
    const text = '/* scrape the pods */\nlocal.file "a" {\n\tfilename = "x" // trailing\n\t//tight\n}\n';
    expect(importError(text)).toBe([
      'test.alloy:3:17: comment "// trailing" cannot be kept in config.alloy: it ends a line that holds code, and the printer writes comments on lines of their own; it is kept in the module only',
      'test.alloy:4:2: comment "//tight" cannot be kept in config.alloy: the printer writes a space after //; it is kept in the module only',
      'test.alloy:1:1: comment "/* scrape the pods */" cannot be kept in config.alloy: a /* */ comment; the printer writes // comments; it is kept in the module only',
    ].join('\n'));
    const notes: string[] = [];
    const out = importText(text, 'test.alloy', { allowChanges: true, onNote: (n) => notes.push(n) });
    expect(out).toContain('//   /* scrape the pods */');
    expect(out).toContain('//   // trailing');
    expect(notes).toHaveLength(3);
  });

  test('fails when the printer lays a value out otherwise, naming the line', () => {
    expect(importError('local.file "a" {\n\tfilename = `raw`\n}\n')).toMatch(
      /^test\.alloy:2:1: the typed constructs render this line as "\\tfilename = \\"raw\\"" where the input has "\\tfilename = `raw`"; /,
    );
  });

  test('fails when an attribute is set twice, or a block\'s label does not fit its schema', () => {
    expect(importError('local.file "a" {\n\tfilename = "x"\n\tfilename = "y"\n}\n')).toBe(
      'test.alloy:3:2: attribute "filename" is set twice in local.file; Alloy refuses that: keep one',
    );
    expect(importError('loki.write "w" {\n\tendpoint "x" {\n\t\turl = "http://l"\n\t}\n}\n')).toBe(
      'test.alloy:2:2: block endpoint in loki.write takes no label (got "x"); remove the label',
    );
    expect(importError('loki.write "w" {\n\tendpoint {\n\t\turl  = "http://l"\n\t\tnope = 1\n\t}\n}\n')).toMatch(
      /^test\.alloy:4:3: Alloy v1\.18\.1 knows no argument "nope" in loki\.write > endpoint; use one of /,
    );
  });

  test('the syntax goldens, which are not configs, fail with positions rather than throw anything else', () => {
    const dir = path.join(ROOT, '__tests__', 'alloy', 'syntax', 'golden');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.alloy'))) {
      try {
        importText(fs.readFileSync(path.join(dir, f), 'utf8'), f);
      } catch (e) {
        expect(e).toBeInstanceOf(AlloyImportError);
        for (const line of (e as Error).message.split('\n')) expect(line).toMatch(new RegExp(`^${f.replace('.', '\\.')}:\\d+:\\d+: `));
      }
    }
  });
});

test('docs/cli-import.md: its worked example is what the importer writes', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'cli-import.md'), 'utf8');
  const input = /```alloy\n([\s\S]*?)```/.exec(doc)![1];
  const output = /```ts\n([\s\S]*?)```/.exec(doc)![1];
  expect(importText(input, 'traces.alloy')).toBe(output);
});
