/**
 * `cdk8s-alloy check` through an in-memory CliIO: its lines, its summary, --json, exit codes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CHECK_USAGE, checkCommand } from '../../lib/cli/check';
import { runInMemory } from '../support/memory-io';

const GOOD = fs.readFileSync(path.join(__dirname, '..', 'alloy', 'check', 'fixtures', 'k8s-monitoring.alloy.txt'), 'utf-8');

function run(args: string[], files: Record<string, string>): { code: number; stdout: string; stderr: string } {
  const { code, stdout, stderr, written } = runInMemory(checkCommand, args, files);
  expect(written).toEqual({});
  return { code, stdout, stderr };
}

const BAD = [
  'prometheus.scrape "pods" {',
  '  targets    = []',
  '  forward_to = [prometheus.remote_write.mimri.receiver]',
  '  scrape_intervall = "1m"',
  '}',
  '',
  'prometheus.remote_write "mimir" {',
  '  endpoint {',
  '    url = "http://mimir/api/v1/push"',
  '  }',
  '}',
  '',
].join('\n');

test('a clean file: exit 0 and a summary line', () => {
  const r = run(['config.alloy'], { 'config.alloy': GOOD });
  expect(r).toEqual({ code: 0, stdout: '1 file checked: 0 errors; needs --stability.level=generally-available\n', stderr: '' });
});

test('fails when a file has errors: one line per problem at file:line:col, then the summary; exit 1', () => {
  const r = run(['good.alloy', 'bad.alloy'], { 'good.alloy': GOOD, 'bad.alloy': BAD });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe([
    'bad.alloy:3:17: error: prometheus.remote_write.mimri.receiver references prometheus.remote_write "mimri", which this file does not define; ' +
      'did you mean prometheus.remote_write.mimir? [unknown-reference]',
    'bad.alloy:4:3: error: unknown argument scrape_intervall of prometheus.scrape "pods" (Alloy v1.18.1); did you mean "scrape_interval"? [unknown-argument]',
    '2 files checked: 2 errors; needs --stability.level=generally-available',
    '',
  ].join('\n'));
});

test('fails on a syntax error, reported as Alloy words it', () => {
  const r = run(['-'], { '-': 'logging {\n  level = "info"\n' });
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/^<stdin>:3:1: error: .* \[syntax\]\n1 file checked: 1 error; needs --stability.level=generally-available\n$/);
});

test('warnings do not fail the check', () => {
  const r = run(['c.alloy'], { 'c.alloy': 'local.file "f" {\n  filename = env("FILE")\n}\n' });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(
    'c.alloy:2:14: warning: the standard library function env is deprecated; use sys.env [deprecated]\n' +
    '1 file checked: 0 errors, 1 warning; needs --stability.level=generally-available\n');
});

test('the summary names the stability level and community components needed', () => {
  const r = run(['c.alloy'], { 'c.alloy': 'otelcol.exporter.debug "d" { }\n\notelcol.exporter.datadog "dd" {\n  api {\n    api_key = sys.env("K")\n  }\n}\n' });
  expect(r.stdout).toBe(
    '1 file checked: 0 errors; needs --stability.level=experimental and --feature.community-components.enabled=true (otelcol.exporter.datadog)\n');
});

test('fails when a file needs a less stable level than --stability.level', () => {
  const r = run(['--stability.level=public-preview', 'c.alloy'], { 'c.alloy': 'otelcol.exporter.debug "d" { }\n' });
  expect(r.code).toBe(1);
  expect(r.stdout.split('\n')[0]).toBe(
    'c.alloy:1:1: error: otelcol.exporter.debug is at stability level experimental, below --stability.level=public-preview; ' +
    'run Alloy with --stability.level=experimental (or lower the level it needs: the file needs experimental), or use something else [stability]');
  expect(run(['--stability.level', 'experimental', 'c.alloy'], { 'c.alloy': 'otelcol.exporter.debug "d" { }\n' }).code).toBe(0);
});

test('--json prints one document with files, diagnostics, levels and counts', () => {
  const r = run(['--json', 'bad.alloy', 'good.alloy'], { 'good.alloy': GOOD, 'bad.alloy': BAD });
  expect(r.code).toBe(1);
  const doc = JSON.parse(r.stdout);
  expect(doc).toEqual({
    files: [
      {
        file: 'bad.alloy',
        stabilityLevel: 'generally-available',
        communityComponents: [],
        errors: 2,
        warnings: 0,
        diagnostics: [
          expect.objectContaining({ severity: 'error', code: 'unknown-reference', file: 'bad.alloy', line: 3, column: 17, endLine: 3, endColumn: 55 }),
          expect.objectContaining({ severity: 'error', code: 'unknown-argument', file: 'bad.alloy', line: 4, column: 3, endLine: 4, endColumn: 19 }),
        ],
      },
      { file: 'good.alloy', stabilityLevel: 'generally-available', communityComponents: [], errors: 0, warnings: 0, diagnostics: [] },
    ],
    stabilityLevel: 'generally-available',
    communityComponents: [],
    errors: 2,
    warnings: 0,
  });
  expect(doc.files[0].diagnostics[1].message).toBe('unknown argument scrape_intervall of prometheus.scrape "pods" (Alloy v1.18.1); did you mean "scrape_interval"?');
});

describe('usage errors exit 2', () => {
  test.each([
    [['--bogus', 'c.alloy'], 'cdk8s-alloy check: unknown flag "--bogus"; the flags are --json, --stability.level=<level> and --help'],
    [['--stability.level=beta', 'c.alloy'], 'cdk8s-alloy check: invalid --stability.level (got "beta"); use one of generally-available, public-preview, experimental'],
    [['--stability.level'], 'cdk8s-alloy check: invalid --stability.level (got nothing); use one of generally-available, public-preview, experimental'],
    [[], 'cdk8s-alloy check: no file given; name one or more config.alloy files, or - for standard input'],
  ])('fails when given %j', (args, first) => {
    const r = run(args, { 'c.alloy': GOOD });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${first}\n\n${CHECK_USAGE}`);
  });

  test('fails when a file cannot be read', () => {
    const r = run(['missing.alloy'], {});
    expect(r).toEqual({
      code: 2, stdout: '',
      stderr: "cdk8s-alloy check: cannot read missing.alloy: ENOENT: no such file or directory, open 'missing.alloy'\n",
    });
  });
});

test('--help prints the usage and exits 0', () => {
  expect(run(['--help'], {})).toEqual({ code: 0, stdout: CHECK_USAGE, stderr: '' });
  expect(CHECK_USAGE).toContain('Exit status: 0 when no file has an error');
});

test('-- ends the flags', () => {
  expect(run(['--', '--json'], { '--json': GOOD }).stdout).toBe('1 file checked: 0 errors; needs --stability.level=generally-available\n');
});

test('--json gives every diagnostic an end, a syntax error too', () => {
  const r = run(['--json', 's.alloy'], { 's.alloy': 'a {\n\tb = + 1\n}\n' });
  const [d] = JSON.parse(r.stdout).files[0].diagnostics;
  expect(d).toMatchObject({ code: 'syntax', line: 2, column: 6, endLine: 2, endColumn: 6 });
  expect(d.message).toBe('expected expression, got +; write a value here: a string, number, bool, null, list, object, name or call');
});
