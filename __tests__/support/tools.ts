/**
 * External tools some tests use. A missing tool makes its tests say so and skip; .ci/run
 * installs them.
 */
import { spawnSync } from 'child_process';

export function haveTool(name: string, args: string[] = ['--version']): boolean {
  const ok = spawnSync(name, args, { encoding: 'utf-8' }).status === 0;
  if (!ok) {
    // eslint-disable-next-line no-console
    console.warn(`${name} is not installed: the tests that need it are skipped (.ci/run installs it)`);
  }
  return ok;
}
