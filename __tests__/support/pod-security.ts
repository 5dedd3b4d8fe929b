/**
 * The Pod Security Standards "restricted" profile (Kubernetes 1.28), as checks on a pod spec,
 * plus this project's own rule: read-only root filesystems.
 */

const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** The rules a pod spec breaks; empty when it meets the profile. */
export function restrictedViolations(pod: any): string[] {
  const v: string[] = [];
  if (pod.hostNetwork) v.push('hostNetwork');
  if (pod.hostPID) v.push('hostPID');
  if (pod.hostIPC) v.push('hostIPC');
  for (const vol of pod.volumes ?? []) {
    const type = Object.keys(vol).find((k) => k !== 'name');
    if (!ALLOWED_VOLUMES.includes(type ?? '')) v.push(`volume ${vol.name} of type ${type}`);
  }
  const podSc = pod.securityContext ?? {};
  if ((podSc.sysctls ?? []).length > 0) v.push('sysctls');
  const podSeccomp = podSc.seccompProfile?.type;
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])]) {
    const sc = c.securityContext ?? {};
    const at = `container ${c.name}`;
    if (sc.privileged) v.push(`${at}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) v.push(`${at}: allowPrivilegeEscalation is not false`);
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) v.push(`${at}: runAsNonRoot is not true`);
    const uid = sc.runAsUser ?? podSc.runAsUser;
    if (uid === undefined || uid === 0) v.push(`${at}: no explicit non-zero runAsUser`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v.push(`${at}: seccompProfile is not RuntimeDefault or Localhost`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) v.push(`${at}: capabilities do not drop ALL`);
    const add: string[] = sc.capabilities?.add ?? [];
    if (add.some((cap) => cap !== 'NET_BIND_SERVICE')) v.push(`${at}: adds capabilities ${add.join(',')}`);
    if ((c.ports ?? []).some((p: any) => p.hostPort)) v.push(`${at}: hostPort`);
    if (sc.procMount && sc.procMount !== 'Default') v.push(`${at}: procMount`);
    if (sc.readOnlyRootFilesystem !== true) v.push(`${at}: root filesystem is writable`);
  }
  return v;
}
