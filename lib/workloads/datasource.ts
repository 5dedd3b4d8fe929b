/**
 * Grafana data sources, provided by the backends so their uids and URLs agree by construction.
 */
import type { DestinationCredentials } from '../pipelines';
import type { Peer } from './connections';
import type { TelemetryContext } from './telemetry-alerts';

/** One entry of Grafana's datasource provisioning file. */
export interface GrafanaDatasource {
  readonly name: string;
  /** Grafana's plugin type: "prometheus", "tempo", "loki". */
  readonly type: string;
  /** Fixed, so dashboards and correlations can refer to it. */
  readonly uid: string;
  readonly url: string;
  readonly isDefault?: boolean;
  readonly jsonData?: Record<string, unknown>;
  /** What it holds, so Grafana links traces, metrics and logs to each other. */
  readonly signal?: 'traces' | 'metrics' | 'logs';
  /** Headers sent with every query (such as the Loki tenant), not secret. */
  readonly httpHeaders?: Record<string, string>;
  /**
   * Credentials Grafana queries with, from Kubernetes Secrets: each becomes an environment
   * variable of Grafana's container, which the provisioning file reads (`${VAR}`); the value
   * is never in a manifest.
   *
   * @default - none
   */
  readonly credentials?: DestinationCredentials;
}

/** A backend that Grafana can query. */
export interface IDatasource {
  readonly datasource: GrafanaDatasource;
  /**
   * Its pods and query port, when it runs in the cluster: Grafana's connection to it is recorded.
   *
   * @default - outside the stack: Grafana may reach its URL's port anywhere
   */
  readonly datasourcePeer?: { readonly peer: Peer; readonly port: number };
  /**
   * For a metrics data source that knows what it holds (the stack's Prometheus): the jobs and
   * who exports which metric, so dashboards show only what is there.
   *
   * @default - unknown: Grafana's dashboards cannot be built for it (synth fails; set
   * `dashboards: false` on Grafana, or use the stack's Prometheus)
   */
  telemetry?(): TelemetryContext;
  /** Problems of a query against what the data source holds. @default - not checked */
  queryProblems?(what: string, expr: string): string[];
}
