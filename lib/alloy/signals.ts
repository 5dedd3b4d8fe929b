/**
 * Typed references to what components export, so that wiring is checked by the compiler.
 *
 * An OpenTelemetry consumer (`otelcol.*` `input`) carries the signals it accepts as a type:
 * `OtelConsumer<'logs'>` cannot stand where traces are sent. Prometheus and Loki receivers
 * are distinct types, so a metrics receiver cannot be passed where logs go.
 */
import { Reference } from './syntax';

/** The three OpenTelemetry signals. */
export type Signal = 'traces' | 'metrics' | 'logs';

/** Every signal, in the order Alloy documents them. */
export const SIGNALS: readonly Signal[] = ['metrics', 'logs', 'traces'];

/** The `input` export of an `otelcol.*` component that accepts the signals `S`. */
export class OtelConsumer<S extends Signal> extends Reference {
  /** Compile-time only: one key per accepted signal, so a consumer of fewer signals does not fit. */
  declare public readonly accepts: { readonly [K in S]: true };

  /** The signals accepted, for checks at synth time. */
  public readonly signals: readonly Signal[];

  public constructor(path: string, target: object, signals: readonly S[]) {
    super(path, target);
    this.signals = [...signals];
  }
}

/** A consumer that accepts traces (and maybe more). */
export type TracesConsumer = OtelConsumer<'traces'>;
/** A consumer that accepts metrics (and maybe more). */
export type MetricsConsumer = OtelConsumer<'metrics'>;
/** A consumer that accepts logs (and maybe more). */
export type LogsConsumer = OtelConsumer<'logs'>;

/** Where an `otelcol.*` component sends its output, per signal. */
export interface OtelOutput {
  /** @default - no metrics are sent on */
  readonly metrics?: readonly MetricsConsumer[];
  /** @default - no logs are sent on */
  readonly logs?: readonly LogsConsumer[];
  /** @default - no traces are sent on */
  readonly traces?: readonly TracesConsumer[];
}

/** The `receiver` export of a Prometheus metrics component (`prometheus.remote_write`). */
export class MetricsReceiver extends Reference {
  public readonly receiverType = 'MetricsReceiver' as const;
}

/** The `receiver` export of a Loki logs component (`loki.write`). */
export class LogsReceiver extends Reference {
  public readonly receiverType = 'LogsReceiver' as const;
}
