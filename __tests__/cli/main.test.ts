/**
 * The `cdk8s-alloy` command line: the overview, the subcommands it dispatches to, and the
 * exit statuses of a wrong command line. The subcommands have tests of their own; the
 * installed bin is run in __tests__/package.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CHECK_USAGE } from '../../lib/cli/check';
import { FMT_USAGE } from '../../lib/cli/fmt';
import { runInMemory } from '../support/memory-io';
import { SUBCOMMANDS, runCli } from '../../lib/cli/main';

function run(args: string[], files: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const { code, stdout, stderr, files: after } = runInMemory(runCli, args, files);
  Object.assign(files, after);
  return { code, stdout, stderr };
}

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));

test('the package has one bin, cdk8s-alloy, built from lib/cli/main.ts', () => {
  expect(pkg.bin).toEqual({ 'cdk8s-alloy': 'build/lib/cli/main.js' });
  expect(fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'cli', 'main.ts'), 'utf-8').split('\n')[0]).toBe('#!/usr/bin/env node');
});

test('--help lists the three commands on standard output; no command at all is a usage error on standard error', () => {
  const help = run(['--help']);
  expect(help.code).toBe(0);
  expect(SUBCOMMANDS.map((c) => c.name)).toEqual(['check', 'import', 'fmt']);
  for (const c of SUBCOMMANDS) {
    expect(help.stdout).toContain(`  ${c.name.padEnd(8)}${c.summary}\n`);
  }
  expect(run(['-h']).stdout).toBe(help.stdout);
  expect(run(['help']).stdout).toBe(help.stdout);
  expect(run([])).toEqual({ code: 2, stdout: '', stderr: help.stdout });
});

test('each command gets the rest of the line: its own --help', () => {
  expect(run(['check', '--help'])).toMatchObject({ code: 0, stdout: CHECK_USAGE });
  expect(run(['import', '--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: cdk8s-alloy import FILE /) });
  expect(run(['fmt', '--help'])).toMatchObject({ code: 0, stdout: FMT_USAGE });
});

test('each command runs on files: check, fmt and import of one config', () => {
  const files: Record<string, string> = { 'c.alloy': 'logging {\n  level = "info"\n}\n' };
  expect(run(['check', 'c.alloy'], files)).toMatchObject({ code: 0 });
  expect(run(['fmt', 'c.alloy'], files)).toEqual({ code: 0, stdout: 'logging {\n\tlevel = "info"\n}\n', stderr: '' });
  expect(run(['fmt', '-w', 'c.alloy'], files).code).toBe(0);
  expect(files['c.alloy']).toBe('logging {\n\tlevel = "info"\n}\n');
  expect(run(['import', 'c.alloy', '-o', 'c.ts'], files).code).toBe(0);
  expect(files['c.ts']).toContain('new LoggingBlock(');
});

test('an unknown command is a usage error that names it and the commands there are', () => {
  expect(run(['lint', 'c.alloy'])).toEqual({
    code: 2,
    stdout: '',
    stderr: 'cdk8s-alloy: unknown command "lint"; use one of check, import, fmt (cdk8s-alloy --help lists them)\n',
  });
});

test('--version prints the package version', () => {
  expect(run(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
});

describe('the README\'s worked example', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
  const section = readme.slice(readme.indexOf('## Bring your own config.alloy'));
  const config = /```alloy\n([\s\S]*?)```/.exec(section)![1];
  const output = /```text\n([\s\S]*?)```/.exec(section)![1];
  /** The two fixes the README names. */
  const fixed = config.replace('mimri', 'mimir').replace('"30"', '"30s"');

  test('check prints what the README shows, with status 1', () => {
    expect(run(['check', 'config.alloy'], { 'config.alloy': config })).toEqual({ code: 1, stdout: output, stderr: '' });
  });

  test('with the two fixes the README names, check passes, fmt leaves it alone, and import writes what the README says', () => {
    const files: Record<string, string> = { 'config.alloy': fixed };
    expect(run(['check', 'config.alloy'], files).code).toBe(0);
    expect(run(['fmt', '--test', 'config.alloy'], files).code).toBe(0);
    expect(run(['import', 'config.alloy', '-o', 'config.ts'], files).code).toBe(0);
    for (const name of ['DiscoveryKubernetes', 'PrometheusRemoteWrite', 'PrometheusScrape', 'forwardTo: [remoteWriteMimir.receiver]', 'export function buildConfig(scope: Construct']) {
      expect(files['config.ts']).toContain(name);
    }
  });
});

test('a value nested thousands of levels deep is a clear error with status 2, not a stack trace', () => {
  const deep = `a {\n\tb = ${'['.repeat(5000)}${']'.repeat(5000)}\n}\n`;
  for (const command of ['check', 'fmt', 'import']) {
    expect(run([command, 'deep.alloy'], { 'deep.alloy': deep })).toEqual({
      code: 2,
      stdout: '',
      stderr: `cdk8s-alloy ${command}: the file nests values too deeply to be read (Maximum call stack size exceeded); ` +
        'nest lists, objects, parentheses and operators less than a few hundred levels deep\n',
    });
  }
});
