import { Construct } from 'constructs';
import { AlloyComponent, AlloyComponentProps, ComponentDefinition } from '../component';
import { BodySchema, attr } from '../schema';
import { LogsReceiver, OtelConsumer } from '../signals';

export interface OtelcolExporterLokiProps extends AlloyComponentProps {
  /** Loki components that receive the converted log entries. */
  readonly forwardTo: readonly LogsReceiver[];
}

const SCHEMA: BodySchema = {
  forwardTo: attr('forward_to', 'list', { required: true, receiverType: 'LogsReceiver' }),
};

/** `otelcol.exporter.loki`: converts OTel logs to Loki entries. */
export class OtelcolExporterLoki extends AlloyComponent {
  /** Alloy's name, stability and the schema of the body. */
  public static readonly DEFINITION: ComponentDefinition = { name: 'otelcol.exporter.loki', stability: 'generally-available', schema: SCHEMA };

  /** Accepts logs only. */
  public readonly input: OtelConsumer<'logs'>;

  public constructor(scope: Construct, id: string, props: OtelcolExporterLokiProps) {
    super(scope, id, OtelcolExporterLoki.DEFINITION, props);
    this.input = new OtelConsumer(this.exportPath('input'), this, ['logs']);
  }
}
