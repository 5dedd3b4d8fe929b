import { Construct } from 'constructs';
import { AlloyComponent, AlloyComponentProps, ComponentDefinition } from '../component';
import { Arg, BodySchema, Duration, attr, blk } from '../schema';
import { OtelConsumer } from '../signals';
import { DEBUG_METRICS_SCHEMA, DebugMetrics, OUTPUT_SCHEMA, OtelOutput } from './common';

export interface OtelcolProcessorMemoryLimiterProps extends AlloyComponentProps {
  /** How often memory use is checked, such as "1s". */
  readonly checkInterval: Arg<Duration>;
  /** Hard limit as a size, such as "800MiB". @default - omitted; use limitPercentage */
  readonly limit?: Arg<string>;
  /** Hard limit as a percentage of the container's memory. @default - omitted */
  readonly limitPercentage?: Arg<number>;
  /** Headroom below the limit, as a size. @default - omitted; Alloy uses 20% of limit */
  readonly spikeLimit?: Arg<string>;
  /** Headroom below the limit, as a percentage of memory. @default - omitted */
  readonly spikeLimitPercentage?: Arg<number>;
  /** @default - omitted */
  readonly debugMetrics?: DebugMetrics;
  /** Where data goes. */
  readonly output: OtelOutput;
}

const SCHEMA: BodySchema = {
  checkInterval: attr('check_interval', 'duration', { required: true }),
  limit: attr('limit', 'string'),
  limitPercentage: attr('limit_percentage', 'number'),
  spikeLimit: attr('spike_limit', 'string'),
  spikeLimitPercentage: attr('spike_limit_percentage', 'number'),
  debugMetrics: blk('debug_metrics', DEBUG_METRICS_SCHEMA),
  output: blk('output', OUTPUT_SCHEMA, { required: true }),
};

/** `otelcol.processor.memory_limiter`: refuses data while memory use is above the limit. */
export class OtelcolProcessorMemoryLimiter extends AlloyComponent {
  /** Alloy's name, stability and the schema of the body. */
  public static readonly DEFINITION: ComponentDefinition = { name: 'otelcol.processor.memory_limiter', stability: 'generally-available', schema: SCHEMA };

  /** Accepts metrics, logs and traces. */
  public readonly input: OtelConsumer<'metrics' | 'logs' | 'traces'>;

  public constructor(scope: Construct, id: string, props: OtelcolProcessorMemoryLimiterProps) {
    super(scope, id, OtelcolProcessorMemoryLimiter.DEFINITION, props);
    this.input = new OtelConsumer(this.exportPath('input'), this, ['metrics', 'logs', 'traces']);
  }
}
