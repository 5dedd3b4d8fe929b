/**
 * Typed references to what components export, so that wiring is checked by the compiler.
 *
 * An OpenTelemetry consumer (`otelcol.*` `input`) carries the signals it accepts as a type:
 * `OtelConsumer<'logs'>` cannot stand where traces are sent. Prometheus, Loki and Pyroscope
 * receivers, targets, relabel rules and auth or storage handlers are distinct types, so one
 * cannot be passed where another is expected.
 */
import { ExportRef } from './syntax';

/** The three OpenTelemetry signals. */
export type Signal = 'traces' | 'metrics' | 'logs';

/** Every signal, in the order Alloy documents them. */
export const SIGNALS: readonly Signal[] = ['metrics', 'logs', 'traces'];

/** The `input` export of an `otelcol.*` component that accepts the signals `S`. */
export class OtelConsumer<S extends Signal> extends ExportRef {
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

/** The kinds of typed references, each checked at compile time and again at synth. */
export type CapsuleType =
  | 'MetricsReceiver'
  | 'LogsReceiver'
  | 'ProfilesReceiver'
  | 'Targets'
  | 'RelabelRules'
  | 'AuthHandler'
  | 'StorageHandler';

/** A reference of one capsule type. */
export abstract class Capsule extends ExportRef {
  public abstract readonly capsuleType: CapsuleType;
}

/** The `receiver` export of a Prometheus metrics component (`prometheus.remote_write`). */
export class MetricsReceiver extends Capsule {
  public readonly capsuleType = 'MetricsReceiver' as const;
}

/** The `receiver` export of a Loki logs component (`loki.write`). */
export class LogsReceiver extends Capsule {
  public readonly capsuleType = 'LogsReceiver' as const;
}

/** The `receiver` export of a Pyroscope profiles component (`pyroscope.write`). */
export class ProfilesReceiver extends Capsule {
  public readonly capsuleType = 'ProfilesReceiver' as const;
}

/** A list of targets (`discovery.*` `targets`, `discovery.relabel` `output`). */
export class Targets extends Capsule {
  public readonly capsuleType = 'Targets' as const;
}

/** Relabel rules (`*.relabel` `rules`). */
export class RelabelRules extends Capsule {
  public readonly capsuleType = 'RelabelRules' as const;
}

/** An authentication extension (`otelcol.auth.*` `handler`). */
export class AuthHandler extends Capsule {
  public readonly capsuleType = 'AuthHandler' as const;
}

/** A storage extension (`otelcol.storage.file` `handler`), for queues on disk. */
export class StorageHandler extends Capsule {
  public readonly capsuleType = 'StorageHandler' as const;
}
