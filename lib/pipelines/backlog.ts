/**
 * The configs that send to a backend, recorded where the connection is made (a destination
 * handing its exporter to a config). A backend asks, at synth, for the oldest data any of
 * them may replay after an outage, and derives its acceptance windows from that: one source
 * of truth (the collectors' queues and the rate their budget is stated for), no copied
 * numbers.
 */
import { AlloyConfig } from '../alloy';
import { DurableQueue, QueuedSignal } from './durable-queue';
import { durationText, quantityText } from '../validation';

/** How a sender holds its backlog. */
export type BacklogKind = QueuedSignal | 'remote-write';

/** The oldest data one sender may replay, and why. */
export interface Backlog {
  readonly seconds: number;
  /** The config's construct path. */
  readonly from: string;
  /** What bounds it, such as "its traces queue of 3Gi at 500 spans/s". */
  readonly because: string;
}

export class BacklogSenders {
  private readonly senders = new Map<AlloyConfig, Set<BacklogKind>>();

  /** Records that `config` sends here, holding a backlog of `kind` (again is a no-op). */
  public add(config: AlloyConfig, kind: BacklogKind): void {
    const kinds = this.senders.get(config) ?? new Set<BacklogKind>();
    kinds.add(kind);
    this.senders.set(config, kinds);
  }

  /** Every backlog of the recorded senders (a config without a DurableQueue replays nothing). */
  public backlogs(): Backlog[] {
    const out: Backlog[] = [];
    for (const [config, kinds] of this.senders) {
      const q = DurableQueue.of(config);
      if (q === undefined) continue;
      for (const kind of kinds) {
        out.push(kind === 'remote-write'
          ? { seconds: q.walKeepaliveSeconds, from: config.node.path, because: `its remote-write WAL keeps unsent samples for ${q.metricsWalKeepalive} (max_keepalive_time)` }
          : { seconds: q.backlogSeconds(kind), from: config.node.path, because: `its ${kind} queue of ${quantityText(q.queueBytes[kind])} at ${q.rateText(kind)}` });
      }
    }
    return out;
  }

  /** The oldest backlog of all, if any sender holds one. */
  public longest(): Backlog | undefined {
    return this.backlogs().reduce<Backlog | undefined>((a, b) => (a === undefined || b.seconds > a.seconds ? b : a), undefined);
  }
}


/**
 * The acceptance window a backend needs: what the user set, or else the longest backlog of
 * its senders (never below `floorSeconds`, the backend's own default). A window the user set
 * shorter than a sender's backlog is a problem: data replayed after an outage would be
 * refused or hidden.
 */
export function acceptanceWindow(
  subject: string,
  prop: string,
  given: { readonly text: string; readonly seconds: number } | undefined,
  floorSeconds: number,
  senders: BacklogSenders,
): { seconds: number; problems: string[] } {
  const longest = senders.longest();
  if (given !== undefined) {
    const problems = longest !== undefined && given.seconds < longest.seconds ? [
      `${subject}: ${prop} ${JSON.stringify(given.text)} is shorter than the backlog ${longest.from} may replay after an outage ` +
      `(${durationText(longest.seconds)}: ${longest.because}), so that data would be refused or hidden; ` +
      `set ${prop} to at least ${durationText(longest.seconds)}, leave it unset to derive it, or make the queue smaller`,
    ] : [];
    return { seconds: given.seconds, problems };
  }
  return { seconds: Math.max(floorSeconds, longest === undefined ? 0 : withMargin(longest.seconds)), problems: [] };
}

/**
 * A derived window covers the backlog and a margin: the exporter's retry backoff (up to 30s),
 * how long a span lasts and a sender waits before exporting it, the replay's own duration.
 * A tenth of the backlog, at least 5 minutes, in whole minutes.
 */
export function withMargin(seconds: number): number {
  return Math.ceil((seconds + Math.max(300, seconds / 10)) / 60) * 60;
}

/**
 * A retention shorter than the window a backend accepts a backlog in: replayed data would be
 * past its retention as it arrives, and deleted by the next compaction.
 */
export function retentionProblems(subject: string, retention: { readonly text: string; readonly seconds: number }, window: { readonly prop: string; readonly seconds: number }): string[] {
  return retention.seconds < window.seconds ? [
    `${subject}: retention ${JSON.stringify(retention.text)} is shorter than the ${window.prop} (${durationText(window.seconds)}) in which it accepts a replayed backlog, ` +
    'so that data would be deleted as it arrives; keep retention longer, or the collectors\' queues smaller',
  ] : [];
}
