/**
 * Alloy's stability levels. A config that uses a component below generally-available only
 * runs when Alloy's `--stability.level` is set at least that low.
 */
export type Stability = 'generally-available' | 'public-preview' | 'experimental';

const ORDER: readonly Stability[] = ['generally-available', 'public-preview', 'experimental'];

/** The least stable of `levels`: the `--stability.level` a config that uses them all needs. */
export function leastStable(levels: Iterable<Stability>): Stability {
  let worst = 0;
  for (const level of levels) {
    worst = Math.max(worst, ORDER.indexOf(level));
  }
  return ORDER[worst];
}
