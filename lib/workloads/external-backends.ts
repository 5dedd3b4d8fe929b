/**
 * Backends the stack does not run, one per signal (`ObservabilityStackProps.external`): a
 * Mimir or any Prometheus remote-write endpoint (OTLP too, when it has it) for metrics, a Loki
 * for logs, a Tempo for traces, or a hosted Grafana stack for any of them. Each is to the rest
 * of the stack what the bundled backend is: a destination for the pipelines
 * (`IMetricsDestination`, `ILogsDestination`, `ITracesDestination`, through the same
 * `Destination` factories, so the tenant header and the credentials from Secrets take the same
 * path) and a data source for Grafana (`IDatasource`, its credentials read from the
 * environment). Nothing records a connection to a peer for it: the collectors' NetworkPolicies
 * open the port of its address (the `sendsTo` of alloy-components.ts), Grafana's the port of
 * its query URL, Tempo's that of the metrics generator's target.
 *
 * What the stack cannot set there, it states: the window in which the backend must accept a
 * replayed backlog (from the senders' queues, as the bundled backends derive theirs:
 * `requiredWindowSeconds`), and, for metrics, where the stack's own alerts run
 * (`ExternalMetrics.alerts`, which is required).
 */
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { DiscoveryDns } from '../../imports/alloy/components/discovery-dns';
import { PrometheusScrape } from '../../imports/alloy/components/prometheus-scrape';
import { AlloyConfig, LogsConsumer, LogsReceiver, MetricsConsumer, MetricsReceiver, TracesConsumer, assertIdentifier } from '../alloy';
import {
  BacklogSenders, Destination, DestinationCredentials, ILogsDestination, IMetricsDestination, ITracesDestination, LOKI_LABELS,
  assertNoCredentialsInUrl, withMargin,
} from '../pipelines';
import { assertDnsLabel, durationText, goDuration, parseSize } from '../validation';
import { Connections } from './connections';
import { GrafanaDatasource, IDatasource } from './datasource';
import { MetricsSource, alertSetProblems, jobMatcher, selectorProblems } from './promql-selectors';
import type { IRemoteWriteReceiver, PrometheusProps, PrometheusScrapeTarget } from './prometheus';
import { SCRAPE_SERIES } from './prometheus';
import { AlertRule, TelemetryContext, ruleFile, telemetryAlerts } from './telemetry-alerts';

/** Where the stack's alerts run when its metrics go to an external backend. */
export type ExternalMetricsAlerts =
  | { readonly ruler: ExternalRuler }
  | { readonly localPrometheus: LocalPrometheusOptions };

/**
 * The backend's own ruler (Mimir's, or Cortex's): the stack's alerts are rendered as a rules
 * file in mimirtool's format (`namespace:` and `groups:`), which you load with `mimirtool
 * rules sync`; the alerts then go to the backend's Alertmanager, and the stack deploys none.
 * The collectors scrape the stack's own targets (themselves, Tempo, Loki, Grafana) into the
 * backend, so the rules find what they query there.
 */
export interface ExternalRuler {
  /**
   * The address mimirtool takes (`--address`, or `MIMIR_ADDRESS`): the backend's base URL,
   * such as `https://mimir.example.com`. mimirtool adds the ruler's path
   * (`/prometheus/config/v1/rules`) itself.
   */
  readonly url: string;
  /** The rule namespace, a DNS label: one per stack, since `rules sync` replaces a namespace whole. @default - the stack's namespace */
  readonly namespace?: string;
  /** Alerting rules added to the stack's. @default - none */
  readonly extraAlerts?: readonly AlertRule[];
}

/**
 * A small Prometheus in the stack that scrapes only the stack's own targets (the collectors,
 * the bundled backends, Alertmanager, itself), evaluates the stack's alerts and sends them to
 * the bundled Alertmanager. It takes no pushes: the pipelines' metrics go to the external
 * backend, so it never holds them (and the volume alert, which needs the kubelets' metrics,
 * is not made).
 */
export interface LocalPrometheusOptions extends Pick<PrometheusProps, 'retentionSize' | 'storageClassName' | 'resources' | 'scrapeInterval' | 'extraAlerts' | 'image'> {
  /** How long the stack's own metrics are kept. @default "2d" */
  readonly retention?: string;
  /** Size of its volume. @default "2Gi" (kept to 80 %: retentionSize "1638MB") */
  readonly storageSize?: string;
}

/** What every external backend takes. */
interface ExternalBackendProps {
  /**
   * Names the exporters in config.alloy (a valid Alloy identifier) and the Grafana data
   * source; give each signal its own.
   */
  readonly name?: string;
  /** The tenant, sent as `X-Scope-OrgID` by the collectors and Grafana. @default - no tenant header */
  readonly tenant?: string;
  /**
   * Basic auth or a bearer token, from Kubernetes Secrets (in the stack's namespace): the
   * collectors and Grafana read them from environment variables, Tempo's metrics generator from
   * a mounted file. For a hosted Grafana stack: basic auth, the instance ID as the username and
   * an access-policy token as the password.
   *
   * @default - none
   */
  readonly credentials?: DestinationCredentials;
}

/** A metrics backend outside the stack: Mimir, a hosted Grafana stack, or any Prometheus remote-write endpoint. */
export interface ExternalMetrics extends ExternalBackendProps {
  /** Its remote-write endpoint, such as `https://mimir.example.com/api/v1/push`. */
  readonly remoteWriteUrl: string;
  /**
   * Its OTLP base URL, such as `https://mimir.example.com/otlp` (the exporter adds
   * `/v1/metrics`): the gateway's OTLP metrics then go there as they are, through a disk queue
   * that survives a restart. Without it they are converted for remote write, which drops
   * delta temporality.
   *
   * @default - OTLP metrics converted and remote-written
   */
  readonly otlpUrl?: string;
  /** Its Prometheus-compatible query base for Grafana, such as `https://mimir.example.com/prometheus`. */
  readonly queryUrl: string;
  /**
   * Where the stack's alerts run: the backend's ruler (a rules file to load), or a small
   * Prometheus of the stack's own. Required: alerts about the stack itself need somewhere to
   * run that sees it.
   */
  readonly alerts: ExternalMetricsAlerts;
}

/** A Loki outside the stack (3.0 or later, for its OTLP endpoint), or a hosted Grafana stack's. */
export interface ExternalLogs extends ExternalBackendProps {
  /**
   * Loki's base URL, such as `https://loki.example.com`: logs go to its OTLP endpoint
   * (`<url>/otlp`), Grafana queries `<url>`.
   */
  readonly url: string;
}

/** A Tempo outside the stack, or a hosted Grafana stack's. */
export interface ExternalTraces extends ExternalBackendProps {
  /** Its OTLP gRPC endpoint, `host:port`, such as `tempo.example.com:443`. Give this or otlpHttpUrl. @default - otlpHttpUrl */
  readonly otlpGrpcEndpoint?: string;
  /** Its OTLP HTTP base URL, such as `https://tempo.example.com:4318` (the exporter adds `/v1/traces`). @default - otlpGrpcEndpoint */
  readonly otlpHttpUrl?: string;
  /** Its query base for Grafana, such as `https://tempo.example.com`. */
  readonly queryUrl: string;
  /** Send gRPC in plain text (a Tempo inside the cluster). @default false */
  readonly insecure?: boolean;
}

/** Backends of your own, per signal, in place of the bundled ones (`ObservabilityStackProps.external`). */
export interface ExternalBackends {
  /** @default - the bundled Prometheus */
  readonly metrics?: ExternalMetrics;
  /** @default - the bundled Loki */
  readonly logs?: ExternalLogs;
  /** @default - the bundled Tempo */
  readonly traces?: ExternalTraces;
}

/** What a backend must accept of a replayed backlog, to tell the team that runs it. */
export interface RequiredWindow {
  /** The oldest data a sender may replay after an outage, with the margin the bundled backends take; 0 when no sender holds a backlog. */
  readonly seconds: number;
  /** The backend's settings that must be at least that long, in the backend's own words. */
  readonly settings: string;
}

/** Loki's, Mimir's and Tempo's tenant ID rules (dskit tenant.ValidTenantID): up to 150 of these characters. */
const TENANT = /^[A-Za-z0-9!._*'()-]{1,150}$/;
/** The largest OTLP request sent to an external metrics backend: far below Mimir's 100 MiB default (`-distributor.max-otlp-request-size`). */
const OTLP_METRICS_MAX_REQUEST_BYTES = 8 * 2 ** 20;

/** Checks the props every external backend shares; returns its name. */
function checkCommon(subject: string, props: ExternalBackendProps | undefined, defaultName: string): string {
  if (props === null || typeof props !== 'object') {
    throw new Error(`${subject}: expected an object (got ${JSON.stringify(props)})`);
  }
  const name = props.name ?? defaultName;
  assertIdentifier(subject, 'name', name);
  if (props.tenant !== undefined && !TENANT.test(props.tenant)) {
    throw new Error(`${subject}: invalid tenant (got ${JSON.stringify(props.tenant)}); use up to 150 letters, digits and !._*'()- (the tenant ID rules of Mimir, Loki and Tempo)`);
  }
  const c = props.credentials;
  if (c?.basicAuth && c.bearerToken) {
    throw new Error(`${subject}: both bearerToken and basicAuth are set in credentials; give one kind of credentials`);
  }
  return name;
}

/** An http(s) URL without credentials in it, without a trailing slash. */
function checkUrl(subject: string, prop: string, url: unknown, example: string): string {
  if (typeof url !== 'string' || !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url)) {
    throw new Error(`${subject}: ${prop} must be an http(s) URL (got ${JSON.stringify(url)}); use one such as "${example}"`);
  }
  assertNoCredentialsInUrl(`${subject}: ${prop}`, url);
  return url.replace(/\/+$/, '');
}

/** The tenant header of a data source, and its credentials. */
function datasourceAccess(props: ExternalBackendProps): Pick<GrafanaDatasource, 'httpHeaders' | 'credentials'> {
  return {
    ...(props.tenant === undefined ? {} : { httpHeaders: { 'X-Scope-OrgID': props.tenant } }),
    ...(props.credentials === undefined ? {} : { credentials: props.credentials }),
  };
}

function requiredWindow(senders: BacklogSenders): number {
  const longest = senders.longest();
  return longest === undefined ? 0 : withMargin(longest.seconds);
}

/** Props of `ExternalMetricsBackend`: the user's, and the stack's namespace. */
export interface ExternalMetricsBackendProps extends ExternalMetrics {
  /** The stack's namespace: of the volume alert, and the rule namespace by default. */
  readonly namespace: string;
}

/**
 * Metrics in a backend outside the stack. A destination (remote write, and OTLP when it has an
 * OTLP URL), Grafana's metrics data source, and the metrics generator's target. With
 * `alerts: { ruler }`, it also holds the stack's alerts: it knows what the stack sends it (the
 * stack's own targets, scraped by a collector with `addScrapeTarget`, and what the pipelines
 * remote-write), so alerts and dashboards are made and checked as they are for the bundled
 * Prometheus, and `renderRules()` writes them for the ruler.
 */
export class ExternalMetricsBackend extends Construct implements IMetricsDestination, IDatasource, IRemoteWriteReceiver {
  public readonly name: string;
  public readonly remoteWriteUrl: string;
  public readonly otlpUrl?: string;
  public readonly queryUrl: string;
  public readonly tenant?: string;
  public readonly remoteWriteTenant?: string;
  public readonly remoteWriteCredentials?: DestinationCredentials;
  public readonly datasource: GrafanaDatasource;
  /** The collectors that send here, with the backlog each may replay. */
  public readonly senders = new BacklogSenders();
  /** With `alerts: { ruler }`: the ruler's address and the rule namespace. */
  public readonly ruler?: { readonly url: string; readonly namespace: string };
  /** With `alerts: { localPrometheus }`: its options, for the stack to create it. */
  public readonly localPrometheus?: LocalPrometheusOptions;
  /**
   * OTLP metrics as they are, to the OTLP endpoint: only when the backend has one (without it,
   * the gateway converts them for remote write).
   */
  public readonly metricsInput?: (config: AlloyConfig) => MetricsConsumer;
  /** With a ruler: what the stack sends here, for alerts and dashboards. Without one, unknown. */
  public readonly telemetry?: () => TelemetryContext;
  private readonly credentials?: DestinationCredentials;
  private readonly destination: IMetricsDestination;
  private readonly namespace: string;
  private readonly targets: Array<{ readonly target: PrometheusScrapeTarget; readonly by: string }> = [];
  private readonly remoteWritten: MetricsSource[] = [];
  private readonly extraAlerts: readonly AlertRule[];

  public constructor(scope: Construct, id: string, props: ExternalMetricsBackendProps) {
    super(scope, id);
    const subject = this.node.path;
    this.name = checkCommon(subject, props, 'metrics');
    this.remoteWriteUrl = checkUrl(subject, 'remoteWriteUrl', props.remoteWriteUrl, 'https://mimir.example.com/api/v1/push');
    this.otlpUrl = props.otlpUrl === undefined ? undefined : checkUrl(subject, 'otlpUrl', props.otlpUrl, 'https://mimir.example.com/otlp');
    this.queryUrl = checkUrl(subject, 'queryUrl', props.queryUrl, 'https://mimir.example.com/prometheus');
    this.tenant = props.tenant;
    this.remoteWriteTenant = props.tenant;
    this.credentials = props.credentials;
    this.remoteWriteCredentials = props.credentials;
    this.namespace = props.namespace;
    const alerts = props.alerts as Partial<{ ruler: ExternalRuler; localPrometheus: LocalPrometheusOptions }> | undefined;
    const choices = 'alerts: { ruler: { url } } renders them for the backend\'s ruler (mimirtool rules sync), ' +
      'alerts: { localPrometheus: {} } keeps a small Prometheus that scrapes only the stack and sends to its Alertmanager';
    if (alerts === undefined || alerts === null || typeof alerts !== 'object') {
      throw new Error(`${subject}: external.metrics.alerts is missing (got ${JSON.stringify(alerts)}); the stack's own alerts need somewhere to run: ${choices}`);
    }
    if ((alerts.ruler === undefined) === (alerts.localPrometheus === undefined)) {
      throw new Error(`${subject}: external.metrics.alerts takes exactly one of ruler and localPrometheus (got ${JSON.stringify(Object.keys(alerts))}); ${choices}`);
    }
    if (alerts.ruler !== undefined) {
      const url = checkUrl(subject, 'alerts.ruler.url', alerts.ruler.url, 'https://mimir.example.com');
      if (/\/prometheus$/.test(url)) {
        throw new Error(
          `${subject}: alerts.ruler.url is the address mimirtool takes, which adds the ruler's path /prometheus/config/v1/rules itself (got ${JSON.stringify(url)}); ` +
          `drop the /prometheus, such as "${url.replace(/\/prometheus$/, '')}"`,
        );
      }
      const namespace = alerts.ruler.namespace ?? props.namespace;
      assertDnsLabel(subject, 'alerts.ruler.namespace', namespace);
      this.ruler = { url, namespace };
      this.extraAlerts = [...(alerts.ruler.extraAlerts ?? [])];
      this.telemetry = () => this.context();
      this.node.addValidation({ validate: () => this.alertProblems() });
    } else {
      this.localPrometheus = alerts.localPrometheus;
      this.extraAlerts = [];
    }
    const common = { name: this.name, tenantId: props.tenant, credentials: props.credentials, senders: this.senders };
    this.destination = Destination.remoteWrite({ ...common, url: this.remoteWriteUrl });
    if (this.otlpUrl !== undefined) {
      const otlp = Destination.prometheusOtlp({ ...common, url: this.otlpUrl, maxRequestBytes: OTLP_METRICS_MAX_REQUEST_BYTES });
      this.metricsInput = (config) => otlp.metricsInput!(config);
    }
    this.datasource = {
      name: this.name, type: 'prometheus', uid: 'prometheus', url: this.queryUrl, signal: 'metrics', isDefault: true, ...datasourceAccess(props),
    };
  }

  public metricsReceiver(config: AlloyConfig): MetricsReceiver {
    return this.destination.metricsReceiver(config);
  }

  /**
   * Scrapes one of the stack's own targets from `config` (a collector's) into this backend,
   * as the bundled Prometheus scrapes it: the same job, every pod of a headless Service through
   * its DNS records, clustered among the collector's replicas. Only with a ruler, whose rules
   * query these jobs.
   */
  public addScrapeTarget(target: PrometheusScrapeTarget, config: AlloyConfig): void {
    if (this.ruler === undefined) {
      throw new Error(`${this.node.path}: addScrapeTarget is for a backend that runs the stack's alerts (alerts: { ruler }); the local Prometheus scrapes the stack otherwise`);
    }
    assertDnsLabel(this.node.path, 'scrape job name', target.job);
    if (this.targets.some((t) => t.target.job === target.job)) {
      throw new Error(`${this.node.path}: duplicate scrape job "${target.job}"; give each target its own job name`);
    }
    const m = /^([^\s/:]+):([0-9]+)$/.exec(target.address);
    if (m === null) {
      throw new Error(`${this.node.path}: invalid scrape address for job "${target.job}" (got ${JSON.stringify(target.address)}); use host:port`);
    }
    const label = `stack_${target.job.replace(/-/g, '_')}`;
    const port = Number(m[2]);
    const targets = target.everyPod
      ? new DiscoveryDns(config, `${label}_pods`, { label, names: [m[1]], type: 'A', port }).targets
      : [{ __address__: target.address }];
    const scrape = new PrometheusScrape(config, `${label}_scrape`, {
      label,
      jobName: target.job,
      targets,
      metricsPath: target.metricsPath,
      scrapeInterval: goDuration(this.node.path, 'scrapeInterval', '30s'),
      // among the collector's replicas, one scrapes each target
      clustering: { enabled: true },
      forwardTo: [this.metricsReceiver(config)],
    });
    if (target.peer !== undefined) Connections.of(this).allowComponent(config, scrape, target.peer, port);
    this.targets.push({ target, by: config.node.scope?.node.id ?? config.node.path });
  }

  /** Records metrics the pipelines send here (a collector's scrapes), so alerts and dashboards may query them. */
  public addMetricsSource(source: MetricsSource): void {
    this.remoteWritten.push(source);
  }

  /** Problems of a query (an alert's, a panel's) against what the stack sends here. */
  public queryProblems(what: string, expr: string): string[] {
    try {
      return selectorProblems(what, expr, this.metricsSources(), this.targets.map((t) => t.target.job));
    } catch (e) {
      return [`${what}: ${(e as Error).message}`];
    }
  }

  /**
   * The stack's alerts, for the ruler: the telemetry-health alerts for what the stack sends
   * here, the alert that the stack's metrics stopped arriving (the ruler runs outside the
   * stack, so the Watchdog alone would not say so), then extraAlerts. Empty without a ruler.
   */
  public get alerts(): AlertRule[] {
    if (this.ruler === undefined) return [];
    const ctx = this.context();
    return [...telemetryAlerts(ctx), ...absentAlerts(ctx), ...this.extraAlerts];
  }

  /**
   * The rules file for `mimirtool rules sync`: the rule namespace and the stack's alert group.
   * Empty without a ruler.
   */
  public renderRules(): string {
    if (this.ruler === undefined) return '';
    const header = [
      'Generated by cdk8s-alloy. Do not edit: change the TypeScript that builds it and run cdk8s synth.',
      `The stack's alerts, for the ruler at ${this.ruler.url}. Load them from the environment's folder (the one above rules/);`,
      `--namespaces keeps the sync to this namespace, which it replaces whole:`,
      ...this.syncCommand().split('\n').map((l) => `  ${l}`),
      `Alerts go to the backend's Alertmanager (the stack deploys none): route Watchdog to a dead man's switch there.`,
      `The backend must accept samples up to ${durationText(this.requiredWindow.seconds)} old: ${this.requiredWindow.settings}.`,
    ];
    return header.map((l) => `# ${l}`.trimEnd()).join('\n') + '\n' +
      dump({ namespace: this.ruler.namespace, ...ruleFile(this.alerts) }, { lineWidth: -1 });
  }

  /**
   * The command that loads `renderRules()` into the ruler, from a file at `file` (relative to
   * the environment's folder): mimirtool with the tenant, and the credentials read from their
   * Secret by kubectl. Without a tenant, a basic-auth username is the tenant (a hosted
   * Grafana stack's instance ID); without either, Mimir's single tenant "anonymous".
   */
  public syncCommand(file = `rules/${this.ruler?.namespace ?? this.namespace}.yaml`): string {
    if (this.ruler === undefined) return '';
    const c = this.credentials;
    const secret = (ref: { name: string; key: string }) => `"$(kubectl -n ${this.namespace} get secret ${ref.name} -o jsonpath='{.data.${ref.key.replace(/\./g, '\\.')}}' | base64 -d)"`;
    const env = [
      `MIMIR_ADDRESS=${this.ruler.url}`,
      `MIMIR_TENANT_ID=${this.tenant ?? c?.basicAuth?.username ?? 'anonymous'}`,
      ...(c?.basicAuth ? [`MIMIR_API_USER=${c.basicAuth.username}`, `MIMIR_API_KEY=${secret(c.basicAuth.password)}`] : []),
      ...(c?.bearerToken ? [`MIMIR_AUTH_TOKEN=${secret(c.bearerToken)}`] : []),
    ];
    return `${env.join(' ')} \\\n  mimirtool rules sync --namespaces=${this.ruler.namespace} ${file}`;
  }

  /** How old a sample the backend must accept: the collectors' oldest backlog, with the margin. */
  public get requiredWindow(): RequiredWindow {
    return {
      seconds: requiredWindow(this.senders),
      settings: 'Mimir\'s `out_of_order_time_window` (a limit, per tenant), or the endpoint\'s equivalent',
    };
  }

  private metricsSources(): MetricsSource[] {
    return [
      ...this.targets.map(({ target: t, by }) => ({ job: t.job, from: `scrape job ${t.job} (by ${by})`, metrics: () => [...SCRAPE_SERIES, ...(t.metrics?.() ?? [])] })),
      ...this.remoteWritten,
    ];
  }

  private context(): TelemetryContext {
    const sources = this.metricsSources();
    const exporting = (metric: string) => sources.filter((s) => s.metrics().includes(metric));
    return {
      namespace: this.namespace,
      jobs: this.targets.map((t) => t.target.job),
      collectorJobs: this.targets.filter((t) => t.target.role === 'collector').map((t) => t.target.job),
      jobsExporting: (metric) => exporting(metric).flatMap((s) => (s.job === undefined ? [] : [s.job])),
      exports: (metric) => exporting(metric).length > 0,
    };
  }

  private alertProblems(): string[] {
    return alertSetProblems(this.node.path, this.alerts, this.extraAlerts.length, (what, expr) => this.queryProblems(what, expr));
  }

}

/**
 * The alert that the stack's own metrics stopped arriving: with the rules evaluated outside
 * the stack, a stack whose collectors are all down (or cannot write) says nothing else.
 */
function absentAlerts(ctx: TelemetryContext): AlertRule[] {
  if (ctx.jobs.length === 0) return [];
  return [{
    alert: 'TelemetryMetricsAbsent',
    expr: `absent_over_time(up{${jobMatcher(ctx.jobs)}}[10m])`,
    for: '0m',
    severity: 'critical',
    summary: `No metrics from the telemetry stack in ${ctx.namespace}`,
    description: `No scrape of the stack in ${ctx.namespace} (${ctx.jobs.join(', ')}) has arrived for 10 minutes: its collectors are down or cannot write here, and no other alert about it can fire.`,
  }];
}

/** Props of `ExternalLogsBackend`. */
export type ExternalLogsBackendProps = ExternalLogs;

/**
 * Logs in a Loki outside the stack: to its OTLP endpoint, through the collectors' disk queues,
 * as to the bundled Loki; Grafana's logs data source.
 */
export class ExternalLogsBackend extends Construct implements ILogsDestination, IDatasource {
  public readonly name: string;
  /** Loki's base URL, which Grafana queries. */
  public readonly queryUrl: string;
  /** `<url>/otlp`: where the collectors send. */
  public readonly otlpUrl: string;
  public readonly tenant?: string;
  public readonly datasource: GrafanaDatasource;
  /** The collectors that send here, with the backlog each may replay. */
  public readonly senders = new BacklogSenders();
  /**
   * The labels the Kubernetes log pipelines set, which arrive as resource attributes: the
   * bundled Loki indexes them; this one must be told to (`requiredWindow.settings` says how).
   */
  public readonly indexedLabels: readonly string[] = LOKI_LABELS;
  private readonly destination: ILogsDestination;

  public constructor(scope: Construct, id: string, props: ExternalLogsBackendProps) {
    super(scope, id);
    const subject = this.node.path;
    this.name = checkCommon(subject, props, 'logs');
    this.queryUrl = checkUrl(subject, 'url', props.url, 'https://loki.example.com');
    this.otlpUrl = `${this.queryUrl}/otlp`;
    this.tenant = props.tenant;
    this.destination = Destination.lokiOtlp({ name: this.name, url: this.otlpUrl, tenantId: props.tenant, credentials: props.credentials, senders: this.senders });
    this.datasource = { name: this.name, type: 'loki', uid: 'loki', url: this.queryUrl, signal: 'logs', ...datasourceAccess(props) };
  }

  public logsInput(config: AlloyConfig): LogsConsumer {
    return this.destination.logsInput(config);
  }

  public logsReceiver(config: AlloyConfig): LogsReceiver {
    return this.destination.logsReceiver(config);
  }

  public selfLogsReceiver(config: AlloyConfig): LogsReceiver {
    return this.destination.selfLogsReceiver!(config);
  }

  /** How late an entry Loki must accept behind its stream's newest: the collectors' oldest backlog, with the margin. */
  public get requiredWindow(): RequiredWindow {
    const seconds = requiredWindow(this.senders);
    return {
      seconds,
      settings: `Loki's \`ingester.max_chunk_age\` at least twice that (${durationText(2 * seconds)}; an entry more than half of it behind its stream's newest is refused), ` +
        '`limits_config.reject_old_samples_max_age` at least that, and `limits_config.otlp_config.resource_attributes.attributes_config` ' +
        `indexing ${this.indexedLabels.join(', ')} (action index_label), the labels the stack's log pipelines set`,
    };
  }
}

/** Props of `ExternalTracesBackend`. */
export type ExternalTracesBackendProps = ExternalTraces;

/**
 * Traces in a Tempo outside the stack: over OTLP gRPC or HTTP, through the gateway's disk
 * queue; Grafana's traces data source. The stack runs no metrics generator then: service
 * graphs and span metrics are the external Tempo's to make.
 */
export class ExternalTracesBackend extends Construct implements ITracesDestination, IDatasource {
  public readonly name: string;
  public readonly queryUrl: string;
  /** `host:port` of OTLP gRPC, or the OTLP HTTP base URL: where the gateway sends. */
  public readonly endpoint: string;
  public readonly tenant?: string;
  public readonly datasource: GrafanaDatasource;
  /** The collectors that send here, with the backlog each may replay. */
  public readonly senders = new BacklogSenders();
  private readonly destination: ITracesDestination;

  public constructor(scope: Construct, id: string, props: ExternalTracesBackendProps) {
    super(scope, id);
    const subject = this.node.path;
    this.name = checkCommon(subject, props, 'traces');
    this.queryUrl = checkUrl(subject, 'queryUrl', props.queryUrl, 'https://tempo.example.com');
    if ((props.otlpGrpcEndpoint === undefined) === (props.otlpHttpUrl === undefined)) {
      throw new Error(
        `${subject}: give exactly one of otlpGrpcEndpoint and otlpHttpUrl (got ${props.otlpGrpcEndpoint === undefined ? 'neither' : 'both'}); ` +
        'such as otlpGrpcEndpoint: "tempo.example.com:443" or otlpHttpUrl: "https://tempo.example.com:4318"',
      );
    }
    this.tenant = props.tenant;
    const common = { name: this.name, tenantId: props.tenant, credentials: props.credentials, senders: this.senders };
    if (props.otlpGrpcEndpoint !== undefined) {
      this.endpoint = props.otlpGrpcEndpoint;
      this.destination = Destination.otlpGrpc({ ...common, endpoint: props.otlpGrpcEndpoint, insecure: props.insecure });
    } else {
      if (props.insecure !== undefined) {
        throw new Error(`${subject}: insecure is for otlpGrpcEndpoint (got it with otlpHttpUrl); an http:// URL is plain text already`);
      }
      this.endpoint = checkUrl(subject, 'otlpHttpUrl', props.otlpHttpUrl, 'https://tempo.example.com:4318');
      this.destination = Destination.otlpHttp({ ...common, url: this.endpoint });
    }
    this.datasource = { name: this.name, type: 'tempo', uid: 'tempo', url: this.queryUrl, signal: 'traces', ...datasourceAccess(props) };
  }

  public tracesInput(config: AlloyConfig): TracesConsumer {
    return this.destination.tracesInput(config);
  }

  /** How late a span Tempo must still find over its own time: the collectors' oldest backlog, with the margin. */
  public get requiredWindow(): RequiredWindow {
    return {
      seconds: requiredWindow(this.senders),
      settings: 'Tempo\'s `storage.trace.wal.ingestion_time_range_slack` and `metrics_generator.metrics_ingestion_time_range_slack` ' +
        '(and `query_frontend.search.query_ingesters_until` as long, so a search finds spans not yet flushed)',
    };
  }
}

/** The external backends of a stack, and what each needs from the team that runs it, as Markdown. */
export function externalBackendsNotes(stackNamespace: string, backends: {
  readonly metrics?: ExternalMetricsBackend; readonly logs?: ExternalLogsBackend; readonly traces?: ExternalTracesBackend;
}): string {
  const lines = [
    `# External backends of the stack in ${stackNamespace}`,
    '',
    'Generated by cdk8s-alloy. The stack deploys no pod for these signals: the collectors send to the',
    'backends below, Grafana queries them, and the NetworkPolicies open only their ports. What each',
    'backend must do for the stack is listed with it: the windows are derived from the collectors\'',
    'queues (docs/outage-budget.md), so data replayed after an outage is not refused.',
    '',
  ];
  const window = (w: RequiredWindow) => `- accepts data up to **${durationText(w.seconds)}** late: ${w.settings}`;
  const m = backends.metrics;
  if (m !== undefined) {
    lines.push(`## Metrics: ${m.name}`, '', `- remote write: ${m.remoteWriteUrl}`, ...(m.otlpUrl ? [`- OTLP: ${m.otlpUrl}`] : []),
      `- queries (Grafana): ${m.queryUrl}`, `- tenant: ${m.tenant ?? 'none'}`, window(m.requiredWindow));
    if (m.ruler !== undefined) {
      lines.push(
        `- alerts: the rules file \`rules/${m.ruler.namespace}.yaml\` (${m.alerts.length} alerts), for the ruler at ${m.ruler.url}; load it with`,
        '',
        '  ```sh',
        ...m.syncCommand().split('\n').map((l) => `  ${l}`),
        '  ```',
        '',
        '  They go to the backend\'s Alertmanager: the stack deploys none. Route `Watchdog` to a dead man\'s switch there.',
      );
    } else {
      lines.push('- alerts: evaluated by the stack\'s own Prometheus (it scrapes only the stack) and sent to its Alertmanager');
    }
    lines.push('');
  }
  const l = backends.logs;
  if (l !== undefined) {
    lines.push(`## Logs: ${l.name}`, '', `- OTLP: ${l.otlpUrl}`, `- queries (Grafana): ${l.queryUrl}`, `- tenant: ${l.tenant ?? 'none'}`, window(l.requiredWindow), '');
  }
  const t = backends.traces;
  if (t !== undefined) {
    lines.push(`## Traces: ${t.name}`, '', `- OTLP: ${t.endpoint}`, `- queries (Grafana): ${t.queryUrl}`, `- tenant: ${t.tenant ?? 'none'}`, window(t.requiredWindow),
      '- service graphs and span metrics: the stack runs no metrics generator for an external Tempo; turn on its own', '');
  }
  return lines.join('\n');
}

/** The local Prometheus's props: a small volume, a short retention, and no receivers (nothing pushes to it). */
export function localPrometheusProps(subject: string, options: LocalPrometheusOptions): Omit<PrometheusProps, 'namespace'> {
  const storageSize = options.storageSize ?? '2Gi';
  return {
    ...options,
    retention: options.retention ?? '2d',
    storageSize,
    // 80 % of the volume, leaving room for the WAL and compaction, as the default Prometheus does
    retentionSize: options.retentionSize ?? `${Math.floor((parseSize(subject, 'alerts.localPrometheus.storageSize', storageSize, 'kubernetes') * 0.8) / 2 ** 20)}MB`,
    resources: options.resources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    receivers: false,
  };
}
