/**
 * Grafana data sources, provided by the backends so their uids and URLs agree by construction.
 */

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
}

/** A backend that Grafana can query. */
export interface IDatasource {
  readonly datasource: GrafanaDatasource;
}
