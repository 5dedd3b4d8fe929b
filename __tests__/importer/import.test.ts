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
import { parseFileOrThrow } from '../../lib/alloy/syntax';
import { AlloyImportError, importConfig } from '../../lib/importer';

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
  const goldens = walk(path.join(ROOT, '__tests__'), (f) => f.endsWith('.alloy') && !f.includes(`${path.sep}syntax${path.sep}`));
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
    expect(names.filter((n) => n.includes('importer/corpus')).length).toBeGreaterThanOrEqual(3);
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

  test('typed props carry the camelCase names; a block the props cannot print goes through addBlock, marked, its comment kept', () => {
    expect(source).toContain("queueConfig: { capacity: 20000, maxSamplesPerSend: 4000 },");
    expect(source).toContain("// cdk8s-alloy import: block rule holds comments, which typed props cannot hold\n  relabelPods.addBlock('rule', [\n    { kind: 'comment', text: 'the port the pod asks to be scraped on' },");
  });

  test('an attribute out of schema order goes through addAttribute, marked', () => {
    const out = importText('otelcol.processor.batch "b" {\n\ttimeout         = "1s"\n\tsend_batch_size = 10\n\n\toutput { }\n}\n', 'b.alloy', { allowChanges: false });
    expect(out).toContain("const batchB = new OtelcolProcessorBatch(config, 'b', { timeout: '1s', output: {}, dropOutput: true });");
    expect(out).toContain('// cdk8s-alloy import: "send_batch_size" follows "timeout" in the input, and typed props print in schema order\n  batchB.addAttribute(\'send_batch_size\', 10);');
  });

  test('a component whose label differs from its construct id keeps its label; strings with quotes and controls are escaped', () => {
    const out = importText('local.file "a" {\n\tfilename = "it\'s\\n\\u2028"\n}\n');
    expect(out).toContain("new LocalFile(config, 'a', { filename: 'it\\'s\\n\\u2028' });");
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

  test('fails when a referenced component comes first (AlloyConfig prints data-flow order); with changes allowed, writes the module and notes it', () => {
    const text = 'discovery.kubernetes "pods" {\n\trole = "pod"\n}\n\nprometheus.scrape "pods" {\n\tforward_to = []\n\ttargets    = discovery.kubernetes.pods.targets\n}\n';
    expect(importError(text)).toBe(
      'test.alloy:1:1: discovery.kubernetes "pods" is referenced by prometheus.scrape "pods", which comes later in the file; ' +
      'AlloyConfig prints a component after those that reference it (data-flow order): move it below them',
    );
    const notes: string[] = [];
    expect(importText(text, 'test.alloy', { allowChanges: true, onNote: (n) => notes.push(n) })).toContain('targets: kubernetesPods.targets');
    expect(notes[0]).toMatch(/^test\.alloy:1:1: discovery\.kubernetes "pods" is referenced by/);
  });

  test('fails when a comment has no place; with changes allowed, keeps it in the module', () => {
    const text = '// scrape the pods\nlocal.file "a" {\n\tfilename = "x" // trailing\n}\n';
    expect(importError(text)).toBe([
      'test.alloy:3:17: comment "// trailing" cannot be kept in config.alloy: it ends a line that holds code, and the printer writes comments on lines of their own; it is kept in the module only',
      'test.alloy:1:1: comment "// scrape the pods" cannot be kept in config.alloy: AlloyConfig has no place for comments between blocks; it is kept in the module only',
    ].join('\n'));
    const out = importText(text, 'test.alloy', { allowChanges: true });
    expect(out).toContain('//   // scrape the pods');
    expect(out).toContain('//   // trailing');
  });

  test('fails when the printer lays a value out otherwise, naming the line', () => {
    expect(importError('local.file "a" {\n\tfilename = `raw`\n}\n')).toMatch(
      /^test\.alloy:2:1: the typed constructs render this line as "\\tfilename = \\"raw\\"" where the input has "\\tfilename = `raw`"; /,
    );
  });

  test('fails when an attribute follows a block, or a configuration block follows a component', () => {
    expect(importError('loki.write "w" {\n\tendpoint {\n\t\turl = "http://l"\n\t}\n\texternal_labels = {}\n}\n')).toContain(
      'test.alloy:5:2: attribute "external_labels" follows a block; a component prints its attributes before its blocks: move it above the first block',
    );
    expect(importError('local.file "a" {\n\tfilename = "x"\n}\n\nlogging { }\n')).toBe(
      'test.alloy:5:1: the logging block comes after components; AlloyConfig prints configuration blocks first: move it above the first component',
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
