/**
 * The Pod Security Standards "restricted" profile, as security contexts.
 */
import { PodSecurityContext, SecurityContext } from '../../imports/k8s';

/** A non-root user and group, explicit so the profile's checks need no image metadata. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** Pod level: non-root with explicit IDs, volumes owned by the group, seccomp RuntimeDefault. */
export function restrictedPodSecurityContext(runAs: RunAs): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: runAs.uid,
    runAsGroup: runAs.gid,
    fsGroup: runAs.gid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container level: no privilege escalation, no capabilities, read-only root filesystem. */
export function restrictedContainerSecurityContext(runAs: RunAs): SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: runAs.uid,
    runAsGroup: runAs.gid,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Pod level of a stated exception (see ServerWorkload's `securityException`): root, so that
 * files only root may read (the node's /var/log/pods) can be read; seccomp RuntimeDefault.
 */
export function exceptionPodSecurityContext(): PodSecurityContext {
  const { fsGroup: _fsGroup, ...root } = restrictedPodSecurityContext({ uid: 0, gid: 0 });
  return { ...root, runAsNonRoot: false };
}

/** Container level of a stated exception: the restricted context as root, with only `add` as capabilities. */
export function exceptionContainerSecurityContext(add: readonly string[]): SecurityContext {
  return { ...restrictedContainerSecurityContext({ uid: 0, gid: 0 }), runAsNonRoot: false, capabilities: { drop: ['ALL'], add: [...add] } };
}
