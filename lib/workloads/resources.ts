/**
 * Compute resources of a container.
 */
import { Quantity, ResourceRequirements } from '../../imports/k8s';
import { assertQuantity } from '../validation';

/** CPU and memory, as Kubernetes quantities ("250m", "512Mi"). */
export interface CpuMemory {
  readonly cpu: string;
  readonly memory: string;
}

/** Requests and limits of one container. */
export interface Resources {
  readonly requests: CpuMemory;
  readonly limits: CpuMemory;
}

/** Validates `resources` and returns them in the Kubernetes shape. */
export function toResourceRequirements(subject: string, resources: Resources): ResourceRequirements {
  const side = (name: 'requests' | 'limits'): Record<string, Quantity> => {
    const r = resources[name];
    assertQuantity(subject, `${name}.cpu`, r.cpu, 'cpu');
    assertQuantity(subject, `${name}.memory`, r.memory, 'memory');
    return { cpu: Quantity.fromString(r.cpu), memory: Quantity.fromString(r.memory) };
  };
  return { requests: side('requests'), limits: side('limits') };
}
