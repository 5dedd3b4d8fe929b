/** `cdk8s-alloy import`: flags, output, and errors at file:line:col with exit status 1 or 2. */
import { importCommand } from '../../lib/cli/import';
import { CliIO } from '../../lib/cli/io';

function run(args: string[], files: Record<string, string> = {}): { status: number; stdout: string; stderr: string; written: Record<string, string> } {
  let stdout = '';
  let stderr = '';
  const written: Record<string, string> = {};
  const io: CliIO = {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return files[p];
    },
    writeFile: (p, t) => {
      if (p.startsWith('/readonly/')) throw new Error('EACCES: permission denied');
      written[p] = t;
    },
  };
  const status = importCommand(args, io);
  return { status, stdout, stderr, written };
}

const GOOD = 'local.file "token" {\n\tfilename = "/etc/token"\n}\n';

test('writes the module to standard output, or to -o with --name', () => {
  const out = run(['config.alloy'], { 'config.alloy': GOOD });
  expect(out.status).toBe(0);
  expect(out.stdout).toContain("new LocalFile(config, 'token', { filename: '/etc/token' });");
  expect(out.stdout).toContain("const config = new AlloyConfig(scope, id, { header: false });");
  expect(out.stderr).toBe('');
  const file = run(['config.alloy', '-o', 'out.ts', '--name', 'tokens'], { 'config.alloy': GOOD });
  expect(file.status).toBe(0);
  expect(file.stdout).toBe('');
  expect(file.written['out.ts']).toContain('export function tokens(scope: Construct');
});

test('--help prints the usage', () => {
  const out = run(['--help']);
  expect(out.status).toBe(0);
  expect(out.stdout).toMatch(/^Usage: cdk8s-alloy import FILE \[-o OUT\.ts\] \[--name NAME\] \[--allow-changes\]/);
});

test.each([
  [[], 'no FILE given'],
  [['a', 'b'], 'one FILE at a time (got "a" and "b")'],
  [['--bogus'], 'unknown flag "--bogus"'],
  [['a', '-o'], '-o needs a value'],
])('fails with status 2 when the command line is %j', (args, message) => {
  const out = run(args);
  expect(out.status).toBe(2);
  expect(out.stderr).toBe(`cdk8s-alloy import: ${message}; run cdk8s-alloy import --help for usage\n`);
});

test('fails with status 2 when the file cannot be read or the module cannot be written, or the name is not an identifier', () => {
  expect(run(['missing.alloy']).stderr).toBe("cdk8s-alloy import: cannot read missing.alloy: ENOENT: no such file or directory, open 'missing.alloy'\n");
  expect(run(['c.alloy', '-o', '/readonly/x.ts'], { 'c.alloy': GOOD })).toMatchObject({ status: 2, stderr: expect.stringContaining('cannot write /readonly/x.ts: EACCES') });
  expect(run(['c.alloy', '--name', 'no-dash'], { 'c.alloy': GOOD })).toMatchObject({
    status: 2, stderr: 'cdk8s-alloy import: function name: not a TypeScript identifier the module can use (got "no-dash"); use letters, digits and "_", such as "buildConfig"\n',
  });
});

test('fails with status 1 when the file does not parse, naming file:line:col', () => {
  const out = run(['bad.alloy'], { 'bad.alloy': 'local.file "a" {\n\tfilename = \n}\n' });
  expect(out.status).toBe(1);
  expect(out.stderr).toMatch(/^bad\.alloy:3:1: /);
});

test('fails with status 1 when the file cannot be imported; --allow-changes writes it and notes each difference', () => {
  const text = '// tokens\n' + GOOD;
  const out = run(['c.alloy'], { 'c.alloy': text });
  expect(out.status).toBe(1);
  expect(out.stderr).toBe(
    'c.alloy:1:1: comment "// tokens" cannot be kept in config.alloy: AlloyConfig has no place for comments between blocks; it is kept in the module only\n' +
    'cdk8s-alloy import: no module written; fix the problems above, or pass --allow-changes where a difference is acceptable\n',
  );
  const allowed = run(['c.alloy', '--allow-changes'], { 'c.alloy': text });
  expect(allowed.status).toBe(0);
  expect(allowed.stderr).toMatch(/^note: c\.alloy:1:1: comment "\/\/ tokens" cannot be kept/);
  expect(allowed.stdout).toContain('//   // tokens');
  const unknown = run(['c.alloy', '--allow-changes'], { 'c.alloy': 'local.fil "a" {\n}\n' });
  expect(unknown).toMatchObject({ status: 1, stderr: expect.stringMatching(/^c\.alloy:1:1: unknown component or block "local\.fil"/) });
});

test('reads standard input for -', () => {
  const out = run(['-'], { '-': GOOD });
  expect(out.status).toBe(0);
  expect(out.stderr).toContain('note: <stdin>:1:1:');
});
