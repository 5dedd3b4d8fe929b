import { Construct } from 'constructs';
import { AlloyComponent, AlloyComponentProps, ComponentDefinition } from '../component';
import { Arg, BodySchema, Duration, attr, blk } from '../schema';
import { OtelConsumer } from '../signals';
import { DEBUG_METRICS_SCHEMA, DebugMetrics, OUTPUT_SCHEMA, OtelOutput } from './common';

export interface OtelcolProcessorBatchProps extends AlloyComponentProps {
  /** @default - omitted; Alloy uses "200ms" */
  readonly timeout?: Arg<Duration>;
  /** @default - omitted; Alloy uses 2000 */
  readonly sendBatchSize?: Arg<number>;
  /** @default - omitted; Alloy uses 3000 */
  readonly sendBatchMaxSize?: Arg<number>;
  /** @default - omitted; one batcher */
  readonly metadataKeys?: Arg<readonly string[]>;
  /** @default - omitted; Alloy uses 1000 */
  readonly metadataCardinalityLimit?: Arg<number>;
  /** @default - omitted */
  readonly debugMetrics?: DebugMetrics;
  /** Where batches go. */
  readonly output: OtelOutput;
}

const SCHEMA: BodySchema = {
  metadataCardinalityLimit: attr('metadata_cardinality_limit', 'number'),
  metadataKeys: attr('metadata_keys', 'list'),
  sendBatchMaxSize: attr('send_batch_max_size', 'number'),
  sendBatchSize: attr('send_batch_size', 'number'),
  timeout: attr('timeout', 'duration'),
  debugMetrics: blk('debug_metrics', DEBUG_METRICS_SCHEMA),
  output: blk('output', OUTPUT_SCHEMA, { required: true }),
};

/** `otelcol.processor.batch`: batches data to cut the number of outgoing requests. */
export class OtelcolProcessorBatch extends AlloyComponent {
  /** Alloy's name, stability and the schema of the body. */
  public static readonly DEFINITION: ComponentDefinition = { name: 'otelcol.processor.batch', stability: 'generally-available', schema: SCHEMA };

  /** Accepts metrics, logs and traces. */
  public readonly input: OtelConsumer<'metrics' | 'logs' | 'traces'>;

  public constructor(scope: Construct, id: string, props: OtelcolProcessorBatchProps) {
    super(scope, id, OtelcolProcessorBatch.DEFINITION, props);
    this.input = new OtelConsumer(this.exportPath('input'), this, ['metrics', 'logs', 'traces']);
  }
}
