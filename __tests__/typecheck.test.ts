import { spawnSync } from 'child_process';
import * as path from 'path';

test('the whole project type-checks (tsc --noEmit), compile-time wiring tests included', () => {
  const root = path.join(__dirname, '..');
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', root], { cwd: root, encoding: 'utf-8' });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});
