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

  private constructor() {}

  /** `from` may reach `to` on `port`. Recorded once however often it is said. */
  public allow(from: Peer, to: Peer, port: number): void {
    if (!this.connections.some((c) => c.from === from && c.to === to && c.port === port)) {
      this.connections.push({ from, to, port });
    }
  }

  /** `component` of a collector's `config` sends to, or scrapes, `to` on `port`. */
  public allowComponent(config: IConstruct, component: IConstruct, to: Peer, port: number): void {
    if (!this.fromComponents.some((c) => c.component === component && c.to === to && c.port === port)) {
      this.fromComponents.push({ config, component, to, port });
    }
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
