import { Construct } from 'constructs';
import { AlloyComponent, AlloyComponentProps, ComponentDefinition } from '../component';
import { Arg, BodySchema, Duration, attr } from '../schema';
import { MetricsReceiver, OtelConsumer } from '../signals';

export interface OtelcolExporterPrometheusProps extends AlloyComponentProps {
  /** Prometheus components that receive the converted metrics. */
  readonly forwardTo: readonly MetricsReceiver[];
  /** @default - omitted; Alloy uses true */
  readonly includeTargetInfo?: Arg<boolean>;
  /** @default - omitted; Alloy uses false */
  readonly includeScopeInfo?: Arg<boolean>;
  /** @default - omitted; Alloy uses true */
  readonly includeScopeLabels?: Arg<boolean>;
  /** @default - omitted; Alloy uses true */
  readonly addMetricSuffixes?: Arg<boolean>;
  /** @default - omitted; Alloy uses false */
  readonly resourceToTelemetryConversion?: Arg<boolean>;
  /** @default - omitted; Alloy uses "5m" */
  readonly gcFrequency?: Arg<Duration>;
}

const SCHEMA: BodySchema = {
  addMetricSuffixes: attr('add_metric_suffixes', 'bool'),
  forwardTo: attr('forward_to', 'list', { required: true, receiverType: 'MetricsReceiver' }),
  gcFrequency: attr('gc_frequency', 'duration'),
  includeScopeInfo: attr('include_scope_info', 'bool'),
  includeScopeLabels: attr('include_scope_labels', 'bool'),
  includeTargetInfo: attr('include_target_info', 'bool'),
  resourceToTelemetryConversion: attr('resource_to_telemetry_conversion', 'bool'),
};

/** `otelcol.exporter.prometheus`: converts OTel metrics to Prometheus samples. */
export class OtelcolExporterPrometheus extends AlloyComponent {
  /** Alloy's name, stability and the schema of the body. */
  public static readonly DEFINITION: ComponentDefinition = { name: 'otelcol.exporter.prometheus', stability: 'generally-available', schema: SCHEMA };

  /** Accepts metrics only. */
  public readonly input: OtelConsumer<'metrics'>;

  public constructor(scope: Construct, id: string, props: OtelcolExporterPrometheusProps) {
    super(scope, id, OtelcolExporterPrometheus.DEFINITION, props);
    this.input = new OtelConsumer(this.exportPath('input'), this, ['metrics']);
  }
}
