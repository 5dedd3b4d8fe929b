/**
 * Alloy's stability levels. A config that uses a component below generally-available only
 * runs when Alloy's `--stability.level` is set at least that low; community components need
 * `--feature.community-components.enabled=true` instead.
 */
export type Stability = 'generally-available' | 'public-preview' | 'experimental' | 'community';

/** The levels `--stability.level` takes, most stable first. */
export type StabilityLevel = 'generally-available' | 'public-preview' | 'experimental';

const ORDER: readonly StabilityLevel[] = ['generally-available', 'public-preview', 'experimental'];

/** The least stable of `levels`: the `--stability.level` a config that uses them all needs. */
export function leastStable(levels: Iterable<Stability>): StabilityLevel {
  let worst = 0;
  for (const level of levels) {
    if (level !== 'community') {
      worst = Math.max(worst, ORDER.indexOf(level));
    }
  }
  return ORDER[worst];
}

/** Whether `level` lets Alloy run features of stability `needed`. */
export function permits(level: StabilityLevel, needed: StabilityLevel): boolean {
  return ORDER.indexOf(level) >= ORDER.indexOf(needed);
}
