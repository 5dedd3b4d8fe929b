/**
 * Who reaches whom, recorded where each relationship is made, as cdk8s-plus's
 * `PodConnections.allowTo` does: a data source given to Grafana, a scrape target or an
 * Alertmanager given to Prometheus, a metrics-generator target given to Tempo, a destination
 * or a scrape target handed to a collector's config, the smoke test's checks. NetworkPolicies
 * render what was recorded; nothing is re-derived from address strings.
 */
import { IConstruct } from 'constructs';

/** Pods to allow traffic from or to: a selector in a namespace. */
export interface Peer {
  /** A name for the peer's policies, such as its workload's. */
  readonly name: string;
  readonly namespace: string;
  /** Labels that select the peer's pods. */
  readonly selector: Readonly<Record<string, string>>;
}

/** One allowed connection: `from`'s pods may reach `to`'s pods on `port` (TCP). */
export interface Connection {
  readonly from: Peer;
  readonly to: Peer;
  readonly port: number;
  /**
   * `from` scrapes `to` (a pull: `from` works, and says so, while `to` is down), rather than
   * sending to it or querying it. Compose orders its services by the connections that are not
   * scrapes (a scraper and its target may send to each other).
   * @default false
   */
  readonly scrape?: boolean;
}

/**
 * A connection from a component of a collector's config, recorded before the collector's
 * pods are known to the recorder: the config stands for them.
 */
export interface ComponentConnection {
  /** The config the component is in (an AlloyConfig). */
  readonly config: IConstruct;
  /** The component that sends or scrapes. */
  readonly component: IConstruct;
  readonly to: Peer;
  readonly port: number;
}

/**
 * Where a connection leaves the stack's pods: `in-cluster` (another namespace's pods, or the
 * cluster's addresses), `anywhere` (another namespace's pods, or any address), `internet`
 * (any address), `api-server` and `kubelets` (the cluster's addresses).
 */
export type Reach = 'in-cluster' | 'anywhere' | 'internet' | 'api-server' | 'kubelets';

/** A connection out of the stack, to no recorded peer. */
export interface ExternalConnection {
  readonly from: Peer;
  readonly port: number;
  readonly reach: Reach;
}

/** Who may connect to an entry point of the stack from outside it. */
export type Audience = 'otlp-senders' | 'users';

/** An entry point: `audience` may reach `to` on `ports`. */
export interface EntryPoint {
  readonly to: Peer;
  readonly ports: readonly number[];
  readonly audience: Audience;
}

const REGISTRIES = new WeakMap<IConstruct, Connections>();

/** The connections of one construct tree (one App). */
export class Connections {
  /** The registry of the tree `scope` is in. */
  public static of(scope: IConstruct): Connections {
    const root = scope.node.root;
    let registry = REGISTRIES.get(root);
    if (registry === undefined) {
      registry = new Connections();
      REGISTRIES.set(root, registry);
    }
    return registry;
  }

  private readonly connections: Connection[] = [];
  private readonly fromComponents: ComponentConnection[] = [];
  private readonly externals: ExternalConnection[] = [];
  private readonly entries: EntryPoint[] = [];

  private constructor() {}

  /** `from` may reach `to` on `port` (`scrape`: it scrapes it). Recorded once however often it is said. */
  public allow(from: Peer, to: Peer, port: number, options: { readonly scrape?: boolean } = {}): void {
    if (!this.connections.some((c) => c.from === from && c.to === to && c.port === port)) {
      this.connections.push({ from, to, port, ...(options.scrape === true ? { scrape: true } : {}) });
    }
  }

  /** `component` of a collector's `config` sends to, or scrapes, `to` on `port`. */
  public allowComponent(config: IConstruct, component: IConstruct, to: Peer, port: number): void {
    if (!this.fromComponents.some((c) => c.component === component && c.to === to && c.port === port)) {
      this.fromComponents.push({ config, component, to, port });
    }
  }

  /** `from` may reach `port` outside the stack's pods, as far as `reach`. */
  public allowExternal(from: Peer, port: number, reach: Reach): void {
    if (!this.externals.some((c) => c.from === from && c.port === port && c.reach === reach)) {
      this.externals.push({ from, port, reach });
    }
  }

  /** `audience` (from outside the stack) may reach `to` on `ports`. */
  public allowEntry(to: Peer, ports: readonly number[], audience: Audience): void {
    if (ports.length > 0) this.entries.push({ to, ports: [...ports], audience });
  }

  /** Every connection out of the stack, in the order recorded. */
  public get external(): readonly ExternalConnection[] {
    return this.externals;
  }

  /** Every entry point, in the order recorded. */
  public get entryPoints(): readonly EntryPoint[] {
    return this.entries;
  }

  /** Every connection recorded between peers, in the order recorded. */
  public get all(): readonly Connection[] {
    return this.connections;
  }

  /** Every connection recorded from a component of a config, in the order recorded. */
  public get components(): readonly ComponentConnection[] {
    return this.fromComponents;
  }

  /** Whether `component`'s traffic is recorded (its addresses need no rule of their own). */
  public isRecorded(component: IConstruct): boolean {
    return this.fromComponents.some((c) => c.component === component);
  }
}
