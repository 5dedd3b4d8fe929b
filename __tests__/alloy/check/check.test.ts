/**
 * The check of config.alloy files: a seeded error of each kind in a valid hand-written config,
 * found at its line:col with its code; every config the project writes (dist/ and the golden
 * files) checks clean. The hand-written config is `.alloy.txt`, not `.alloy`: it is not in the
 * printer's canonical form (two-space indents, a block comment, a raw string), and the `.alloy`
 * files under __tests__ are the corpus the parser's round-trip test reads.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { CheckOptions, CheckResult, checkFile } from '../../../lib/alloy/check';
import { parseFileOrThrow } from '../../../lib/alloy/syntax/parser';

const ROOT = path.join(__dirname, '..', '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');
const K8S_MONITORING = fs.readFileSync(path.join(FIXTURES, 'k8s-monitoring.alloy.txt'), 'utf-8');

function check(text: string, options: CheckOptions = {}): CheckResult {
  return checkFile(parseFileOrThrow(text, 'config.alloy'), options);
}

/** Each problem as `line:col code`. */
function found(text: string, options: CheckOptions = {}): string[] {
  return check(text, options).diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.code}`);
}

/** The fixture with `find` (which must occur once) replaced. */
function seed(find: string, replace: string): string {
  const at = K8S_MONITORING.indexOf(find);
  expect(at).toBeGreaterThanOrEqual(0);
  expect(K8S_MONITORING.indexOf(find, at + 1)).toBe(-1);
  return K8S_MONITORING.slice(0, at) + replace + K8S_MONITORING.slice(at + find.length);
}

describe('valid configs check clean', () => {
  test('the hand-written k8s-monitoring style config: no error, no warning, generally available', () => {
    const result = check(K8S_MONITORING);
    expect(result.diagnostics).toEqual([]);
    expect(result.stabilityLevel).toBe('generally-available');
    expect(result.communityComponents).toEqual([]);
  });

  test('the arguments the shared catalog lost are in facts.json: a metric.counter description is known, a misspelling of it is not', () => {
    const text = fs.readFileSync(path.join(ROOT, '__tests__', 'importer', 'corpus', 'catalog-lost-description.alloy'), 'utf-8');
    expect(check(text).diagnostics).toEqual([]);
    expect(found(text.replace('description =', 'descripton  ='))).toEqual(['7:4 unknown-argument']);
  });

  test('the base config from dist/dev', () => {
    expect(check(fs.readFileSync(path.join(FIXTURES, 'base.alloy'), 'utf-8')).diagnostics).toEqual([]);
  });

  const distConfigs: Array<[string, string]> = [];
  for (const env of fs.readdirSync(path.join(ROOT, 'dist'))) {
    const dir = path.join(ROOT, 'dist', env);
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.k8s.yaml'))) {
      for (const doc of yaml.loadAll(fs.readFileSync(path.join(dir, f), 'utf-8')) as Array<{ kind?: string; metadata?: { name: string }; data?: Record<string, string> }>) {
        const text = doc?.kind === 'ConfigMap' ? doc.data?.['config.alloy'] : undefined;
        if (text !== undefined) distConfigs.push([`dist/${env}/${f} ${doc.metadata!.name}`, text]);
      }
    }
  }
  test('dist/ has collector configs to check', () => {
    expect(distConfigs.length).toBeGreaterThanOrEqual(9);
  });
  test.each(distConfigs)('%s', (_name, text) => {
    expect(check(text).diagnostics).toEqual([]);
  });

  const goldens = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? goldens(path.join(dir, e.name)) : e.name.endsWith('.alloy') ? [path.join(dir, e.name)] : []);
  const all = goldens(path.join(ROOT, '__tests__')).map((f) => path.relative(ROOT, f)).sort();
  // the printer's goldens show formatting rules with made-up blocks (`block { }`, `a { }`): not configs
  const printerGoldens = all.filter((f) => f.startsWith(path.join('__tests__', 'alloy', 'syntax', 'golden')));
  const configGoldens = all.filter((f) => !printerGoldens.includes(f));

  test('there are config goldens to check', () => {
    expect(configGoldens.length).toBeGreaterThanOrEqual(11);
  });
  test.each(configGoldens)('%s', (f) => {
    expect(check(fs.readFileSync(path.join(ROOT, f), 'utf-8')).diagnostics).toEqual([]);
  });
  test('the printer goldens only get errors for their made-up blocks and the component they leave empty', () => {
    for (const f of printerGoldens) {
      const codes = check(fs.readFileSync(path.join(ROOT, f), 'utf-8')).diagnostics.map((d) => d.code);
      expect(codes.filter((c) => c !== 'unknown-component' && c !== 'missing-block')).toEqual([]);
    }
  });
});

describe('a seeded error of each kind, at its line:col', () => {
  const cases: Array<[string, string, string, string[]]> = [
    // [what, find, replace, expected]
    ['unknown component', 'prometheus.relabel "drop_debug" {', 'prometheus.relable "drop_debug" {',
      // the misspelt component is not defined, so the reference to it is unknown too
      ['49:22 unknown-reference', '58:1 unknown-component']],
    ['unknown argument', '  scrape_timeout  = "10s"', '  scrape_timout   = "10s"', ['51:3 unknown-argument']],
    ['unknown block', '  clustering {\n    enabled = true', '  clustring {\n    enabled = true', ['53:3 unknown-block']],
    ['an argument written as a block', '  clustering {\n    enabled = true\n  }', '  clustering {\n    enabled = true\n  }\n  job_name { }',
      ['56:3 unknown-block']],
    ['a block written as an argument', '  job_name        = "integrations/kubernetes/pods"', '  clustering      = {}', ['52:3 unknown-argument']],
    ['missing required argument', '  forward_to      = [prometheus.relabel.drop_debug.receiver]\n', '', ['47:1 missing-argument']],
    ['missing required block', '  timeout = "5s"\n  output {\n    metrics = [otelcol.exporter.prometheus.default.input]\n    logs    = [otelcol.exporter.loki.default.input]\n    traces  = [otelcol.exporter.otlp.tempo.input]\n  }\n',
      '  timeout = "5s"\n', ['148:1 missing-block']],
    ['duplicate argument', '  scrape_timeout  = "10s"', '  scrape_timeout  = "10s"\n  scrape_timeout  = "20s"', ['52:3 duplicate-argument']],
    ['a string where the kind is a number', '      capacity             = 10000', '      capacity             = "lots"', ['78:30 type-mismatch']],
    ['a malformed duration', '  scrape_interval = "60s"', '  scrape_interval = "60 seconds"', ['50:21 type-mismatch']],
    ['a string where the kind is a bool', '    own_namespace = false', '    own_namespace = "false"', ['19:21 type-mismatch']],
    ['a string where the kind is a list', '    names         = ["default", "observability"]', '    names         = "default"', ['20:21 type-mismatch']],
    ['a literal in a list of receivers', '  forward_to = [loki.write.default.receiver]\n}', '  forward_to = ["loki"]\n}', ['162:17 type-mismatch']],
    ['duplicate label', 'otelcol.exporter.loki "default" {', 'otelcol.exporter.prometheus "default" {', ['152:16 unknown-reference', '161:1 duplicate-label']],
    ['missing label', 'otelcol.exporter.loki "default" {\n  forward_to', 'otelcol.exporter.loki {\n  forward_to', ['152:16 unknown-reference', '161:1 missing-label']],
    ['a label on a block that takes none', 'livedebugging {', 'livedebugging "debug" {', ['11:15 unexpected-label']],
    ['a block where it cannot stand', '// ---- logs', 'argument "x" { }\n\n// ---- logs', ['91:1 misplaced-block']],
    ['reference to a component that does not exist', '  forward_to = [prometheus.remote_write.mimir.receiver]\n  rule',
      '  forward_to = [prometheus.remote_write.mimri.receiver]\n  rule', ['59:17 unknown-reference']],
    ['reference to an export the component lacks', '  targets         = discovery.relabel.annotated_pods.output',
      '  targets         = discovery.relabel.annotated_pods.targets', ['48:54 unknown-export']],
    ['a function the standard library lacks', 'sys.env("MIMIR_USER")', 'sys.environ("MIMIR_USER")', ['74:22 unknown-reference']],
    ['cycle', '  forward_to = [prometheus.remote_write.mimir.receiver]\n  rule', '  forward_to = [prometheus.scrape.pods.receiver]\n  rule',
      // prometheus.scrape exports nothing: the reference is wrong twice over, and makes a loop
      ['47:1 cycle', '59:40 unknown-export']],
    ['syntax of a stage nested in stage.match', '    stage.labels {\n      values = { level = "" }', '    stage.label {\n      values = { level = "" }', ['107:5 unknown-block']],
    ['a deprecated function (warning)', 'coalesce(sys.env("CLUSTER_NAME"), "dev")', 'coalesce(env("CLUSTER_NAME"), "dev")', ['84:24 deprecated']],
    ['a secret written as a literal (warning)', 'password = sys.env("TEMPO_PASSWORD")', 'password = "hunter2"', ['167:14 literal-secret']],
  ];
  test.each(cases)('%s', (_what, find, replace, expected) => {
    expect(found(seed(find, replace))).toEqual(expected);
  });

  test('each code of the corpus is covered', () => {
    const codes = new Set(cases.flatMap(([, , , e]) => e.map((x) => x.split(' ')[1])));
    for (const code of ['unknown-component', 'unknown-block', 'unknown-argument', 'missing-argument', 'missing-block', 'duplicate-argument',
      'type-mismatch', 'duplicate-label', 'missing-label', 'unexpected-label', 'misplaced-block', 'unknown-reference', 'unknown-export', 'cycle',
      'deprecated', 'literal-secret']) {
      expect(codes).toContain(code);
    }
  });
});

describe('messages say what is wrong, the value and how to fix it', () => {
  const message = (text: string, options: CheckOptions = {}): string => {
    const d = check(text, options).diagnostics;
    expect(d).toHaveLength(1);
    return d[0].message;
  };

  test('an unknown argument suggests the closest name', () => {
    expect(message(seed('  scrape_timeout  = "10s"', '  scrape_timout   = "10s"'))).toBe(
      'unknown argument scrape_timout of prometheus.scrape "pods" (Alloy v1.18.1); did you mean "scrape_timeout"?');
  });

  test('an unknown component suggests the closest component', () => {
    expect(message('prometheus.scrpae "x" {\n  targets = []\n  forward_to = []\n}\n')).toBe(
      'unknown component prometheus.scrpae (Alloy v1.18.1 has no component or block of that name); did you mean "prometheus.scrape"?');
  });

  test('a kind mismatch names the value received and the kind expected', () => {
    expect(message(seed('  scrape_interval = "60s"', '  scrape_interval = "60 seconds"'))).toBe(
      'scrape_interval of prometheus.scrape "pods" must be a duration (got the string "60 seconds"); write it as Go does, such as "30s", "5m" or "1h30m"');
    expect(message(seed('    own_namespace = false', '    own_namespace = "false"'))).toBe(
      'own_namespace of discovery.kubernetes "pods" > namespaces must be a bool (got the string "false"); write true or false, without quotes');
  });

  test('a reference with a misspelt label suggests the label', () => {
    expect(message(seed('  forward_to = [prometheus.remote_write.mimir.receiver]\n  rule', '  forward_to = [prometheus.remote_write.mimri.receiver]\n  rule')))
      .toBe('prometheus.remote_write.mimri.receiver references prometheus.remote_write "mimri", which this file does not define; did you mean prometheus.remote_write.mimir?');
  });

  test('an unknown export lists the exports', () => {
    expect(message(seed('  targets         = discovery.relabel.annotated_pods.output', '  targets         = discovery.relabel.annotated_pods.targets')))
      .toBe('discovery.relabel.annotated_pods has no export targets (discovery.relabel "annotated_pods" exports output, rules)');
  });

  test('a duplicate label says where the first is, as AlloyConfig does', () => {
    const d = check(seed('otelcol.exporter.loki "default" {', 'otelcol.exporter.prometheus "default" {')).diagnostics.filter((x) => x.code === 'duplicate-label');
    expect(d.map((x) => x.message)).toEqual([
      'duplicate component otelcol.exporter.prometheus "default", also at 157:1 (got label "default"); ' +
      'a label must be unique among the otelcol.exporter.prometheus components of a config: rename one, such as "default_2"']);
  });

  test('a second logging block', () => {
    expect(message('logging { }\nlogging { }\n')).toBe('a second logging block (also at 1:1); a config has at most one: merge them');
  });

  test('a cycle names the components along it, as AlloyConfig does', () => {
    const text = [
      'prometheus.relabel "a" {', '  forward_to = [prometheus.relabel.b.receiver]', '}',
      'prometheus.relabel "b" {', '  forward_to = [prometheus.relabel.a.receiver]', '}', '',
    ].join('\n');
    expect(message(text)).toBe(
      'components reference each other in a cycle (prometheus.relabel.a -> prometheus.relabel.b -> prometheus.relabel.a); Alloy refuses cyclic configs: break the loop');
  });
});

describe('stability', () => {
  const experimental = 'otelcol.exporter.debug "x" { }\n';

  test('the level a file needs is the least stable of what it uses', () => {
    expect(check(experimental).stabilityLevel).toBe('experimental');
    expect(check('logging { }\n').stabilityLevel).toBe('generally-available');
  });

  test('fails when the file needs a level below the one given', () => {
    const d = check(experimental, { stabilityLevel: 'generally-available' }).diagnostics;
    expect(d.map((x) => `${x.position.line}:${x.position.column} ${x.code}`)).toEqual(['1:1 stability']);
    expect(d[0].message).toBe(
      'otelcol.exporter.debug is at stability level experimental, below --stability.level=generally-available; ' +
      'run Alloy with --stability.level=experimental (or lower the level it needs: the file needs experimental), or use something else');
    expect(check(experimental, { stabilityLevel: 'experimental' }).diagnostics).toEqual([]);
  });

  test('experimental functions and foreach count', () => {
    expect(check('local.file "f" {\n  filename = array.group_by([], "k", false)\n}\n').stabilityLevel).toBe('experimental');
    const foreach = [
      'foreach "each_port" {', '  collection = [1, 2]', '  var        = "port"', '  template {',
      '    prometheus.scrape "s" {', '      targets    = [{"__address__" = "localhost:" + string.format("%d", port)}]',
      '      forward_to = [prometheus.remote_write.out.receiver]', '    }', '  }', '}', '',
      'prometheus.remote_write "out" {', '  endpoint {', '    url = "http://mimir/api/v1/push"', '  }', '}', '',
    ].join('\n');
    const result = check(foreach);
    expect(result.diagnostics).toEqual([]);
    expect(result.stabilityLevel).toBe('experimental');
  });

  test('community components are listed', () => {
    const text = 'otelcol.exporter.datadog "dd" {\n  api {\n    api_key = sys.env("DD_API_KEY")\n  }\n}\n';
    expect(check(text).communityComponents).toEqual(['otelcol.exporter.datadog']);
  });
});

describe('what cannot be known statically is left alone', () => {
  test('declare: custom components, their arguments and exports, argument references', () => {
    const text = [
      'declare "scraper" {',
      '  argument "targets" { }',
      '  argument "interval" {', '    optional = true', '    default  = "60s"', '  }',
      '  prometheus.scrape "s" {', '    targets         = argument.targets.value',
      '    scrape_interval = coalesce(argument.interval.value, "60s")',
      '    forward_to      = [prometheus.remote_write.w.receiver]', '  }',
      '  prometheus.remote_write "w" {', '    endpoint {', '      url = "http://mimir/api/v1/push"', '    }', '  }',
      '  export "receiver" {', '    value = prometheus.remote_write.w.receiver', '  }',
      '}', '',
      'scraper "apps" {', '  targets = [{"__address__" = "app:8080"}]', '}', '',
      'prometheus.relabel "r" {', '  forward_to = [scraper.apps.receiver]', '}', '',
    ].join('\n');
    expect(found(text)).toEqual([]);
    expect(found(text.replace('  targets = [{"__address__" = "app:8080"}]', '  target = []'))).toEqual(['22:1 missing-argument', '23:3 unknown-argument']);
    expect(found(text.replace('scraper.apps.receiver', 'scraper.apps.input'))).toEqual(['27:30 unknown-export']);
  });

  test('components from modules (import.*): any arguments and exports', () => {
    const text = [
      'import.git "k8s" {', '  repository = "https://github.com/grafana/alloy-modules.git"', '  revision   = "main"',
      '  path       = "modules/kubernetes/core/metrics.alloy"', '}', '',
      'k8s.pods "scrape" {', '  forward_to = [prometheus.remote_write.out.receiver]', '  anything   = true', '}', '',
      'prometheus.relabel "r" {', '  forward_to = k8s.pods.scrape.whatever', '}', '',
      'prometheus.remote_write "out" {', '  endpoint {', '    url = module_path + "/push"', '  }', '}', '',
    ].join('\n');
    expect(found(text)).toEqual([]);
  });

  test('expressions are not checked against kinds; literals are', () => {
    const text = 'prometheus.scrape "s" {\n  targets = []\n  forward_to = []\n  scrape_interval = sys.env("INTERVAL")\n  honor_labels = !false\n  sample_limit = -1\n}\n';
    expect(found(text)).toEqual([]);
    expect(found(text.replace('!false', '-1'))).toEqual(['5:18 type-mismatch']);
  });

  test('Alloy converts numbers to strings and numeric strings to numbers; null fits any kind', () => {
    const text = 'prometheus.scrape "s" {\n  targets = []\n  forward_to = []\n  job_name = 5\n  sample_limit = "10"\n  scrape_timeout = null\n}\n';
    expect(found(text)).toEqual([]);
  });
});
