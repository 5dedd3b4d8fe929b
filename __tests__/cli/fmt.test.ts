/**
 * `cdk8s-alloy fmt` run in-process against an in-memory file system, checked against the
 * behaviour of `alloy fmt` (grafana/alloy `internal/alloycli/cmd_fmt.go` at v1.18.1).
 */
import { fsError, runInMemory } from '../support/memory-io';
import { FMT_USAGE, fmtCommand } from '../../lib/cli/fmt';

const UNFORMATTED = 'logging {\n  level = "info"\n  format = "logfmt"\n}\n';
const FORMATTED = 'logging {\n\tlevel  = "info"\n\tformat = "logfmt"\n}\n';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly files: Map<string, string>;
  readonly writes: string[];
}

/** Runs fmt with `files` as the file system; `-` is standard input. */
function run(args: string[], files: Record<string, string> = {}): Run {
  const r = runInMemory(fmtCommand, args, files, (op, p) => {
    if (op === 'read' && p === 'a-directory') return fsError('EISDIR', 'illegal operation on a directory, read');
    if (op === 'write' && p === 'read-only.alloy') return fsError('EACCES', `permission denied, open '${p}'`);
    return undefined;
  });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr, files: new Map(Object.entries(r.files)), writes: Object.keys(r.written) };
}

describe('cdk8s-alloy fmt', () => {
  test('prints the formatted file to standard output and leaves the file alone', () => {
    const r = run(['config.alloy'], { 'config.alloy': UNFORMATTED });
    expect(r).toMatchObject({ status: 0, stdout: FORMATTED, stderr: '', writes: [] });
  });

  test('reads standard input when the file is - or not given', () => {
    for (const args of [[], ['-']]) {
      expect(run(args, { '-': UNFORMATTED })).toMatchObject({ status: 0, stdout: FORMATTED, stderr: '' });
    }
  });

  test.each(['-w', '--write', '--write=true'])('%s rewrites the file and prints nothing', (flag) => {
    const r = run([flag, 'config.alloy'], { 'config.alloy': UNFORMATTED });
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '', writes: ['config.alloy'] });
    expect(r.files.get('config.alloy')).toBe(FORMATTED);
  });

  test('flags may come after the file, and -- ends the flags', () => {
    expect(run(['config.alloy', '-w'], { 'config.alloy': UNFORMATTED }).files.get('config.alloy')).toBe(FORMATTED);
    expect(run(['--', '-odd-name.alloy'], { '-odd-name.alloy': UNFORMATTED }).stdout).toBe(FORMATTED);
  });

  test.each(['-t', '--test'])('%s passes silently on a formatted file', (flag) => {
    expect(run([flag, 'config.alloy'], { 'config.alloy': FORMATTED })).toMatchObject({ status: 0, stdout: '', stderr: '', writes: [] });
    expect(run([flag], { '-': FORMATTED })).toMatchObject({ status: 0, stdout: '' });
  });

  test('fails when --test finds a file that is not formatted, and says how to fix it', () => {
    const r = run(['-t', 'config.alloy'], { 'config.alloy': UNFORMATTED });
    expect(r).toMatchObject({ status: 1, stdout: '', writes: [] });
    expect(r.stderr).toBe("cdk8s-alloy fmt: config.alloy is not formatted correctly; run 'cdk8s-alloy fmt -w config.alloy' to rewrite it\n");
    // a file without its final newline is not formatted either
    expect(run(['-t', 'c.alloy'], { 'c.alloy': FORMATTED.trimEnd() }).status).toBe(1);
  });

  test('fails when the file has syntax errors, listing each at file:line:col, and writes nothing', () => {
    const r = run(['-w', 'bad.alloy'], { 'bad.alloy': 'a {\n  x = \n}\nb {\n  y = [1 2]\n}\n' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.writes).toEqual([]);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^bad\.alloy:3:1: /);
    expect(lines[1]).toMatch(/^bad\.alloy:5:10: /);
    expect(lines[lines.length - 1]).toBe('cdk8s-alloy fmt: bad.alloy has syntax errors (listed above, at file:line:col); ' +
      'fix them and run fmt again: a file that does not parse is left as it is');
  });

  test('names standard input <stdin> in errors, as alloy fmt does', () => {
    expect(run([], { '-': 'a {\n  x = \n}\n' }).stderr).toMatch(/^<stdin>:3:1: /);
  });

  // exit status 2 for a wrong command line or a file that cannot be read or written, 1 for a
  // file that does not parse or is not formatted: one contract for every cdk8s-alloy command
  test('fails when -w and -t are both given', () => {
    const r = run(['-w', '-t', 'config.alloy'], { 'config.alloy': UNFORMATTED });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('cdk8s-alloy fmt: cannot use -w/--write and -t/--test at the same time; ' +
      "-w rewrites the file, -t only checks it: pick one\nRun 'cdk8s-alloy fmt --help' for usage.\n");
  });

  test('fails when -w is given with standard input', () => {
    for (const args of [['-w'], ['-w', '-']]) {
      const r = run(args, { '-': UNFORMATTED });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^cdk8s-alloy fmt: cannot use -w with standard input; name the file to rewrite, or drop -w/);
    }
  });

  test('fails when given two files, an unknown flag or a flag value that is not a boolean', () => {
    expect(run(['a.alloy', 'b.alloy']).stderr).toMatch(/takes at most one file \(got 2: "a\.alloy", "b\.alloy"\); format one file per run/);
    expect(run(['--list']).stderr).toMatch(/unknown flag "--list"; the flags are -w\/--write, -t\/--test and -h\/--help/);
    expect(run(['--write=yes', 'a.alloy']).stderr).toMatch(/flag --write takes true or false \(got "yes"\)/);
    for (const args of [['a.alloy', 'b.alloy'], ['--list'], ['--write=yes', 'a.alloy']]) {
      expect(run(args).status).toBe(2);
    }
  });

  test('--write=false and --test=false turn the flags off', () => {
    const r = run(['--write=false', '--test=false', 'config.alloy'], { 'config.alloy': UNFORMATTED });
    expect(r).toMatchObject({ status: 0, stdout: FORMATTED, writes: [] });
  });

  test('fails when the file is missing or a directory, naming it and the cause', () => {
    expect(run(['missing.alloy'])).toMatchObject({ status: 2, stdout: '', stderr: 'cdk8s-alloy fmt: cannot read missing.alloy: no such file; check the path\n' });
    expect(run(['a-directory']).stderr).toBe('cdk8s-alloy fmt: cannot read a-directory: it is a directory; fmt formats one file: name a .alloy file\n');
  });

  test('fails when the file cannot be written', () => {
    const r = run(['-w', 'read-only.alloy'], { 'read-only.alloy': UNFORMATTED });
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toBe("cdk8s-alloy fmt: cannot write read-only.alloy: permission denied; check the file's permissions\n");
  });

  test.each([['--help'], ['-h'], ['-w', '-t', '--help']])('%s prints the usage and exits 0', (...args) => {
    expect(run(args)).toMatchObject({ status: 0, stdout: FMT_USAGE, stderr: '' });
  });

  test('the usage names every flag the command takes', () => {
    for (const flag of ['-w, --write', '-t, --test', '-h, --help']) {
      expect(FMT_USAGE).toContain(flag);
    }
  });
});
