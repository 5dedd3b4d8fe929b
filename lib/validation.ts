/**
 * Checks of Kubernetes-level input, each failing with the construct path, the value and the fix.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)?$/;

/** A DNS-1123 label: Service, Deployment and Namespace names. */
export function assertDnsLabel(subject: string, what: string, name: string): void {
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw new Error(
      `${subject}: invalid ${what} (got ${JSON.stringify(name)}); use at most 63 lowercase letters, ` +
      'digits and "-", starting and ending with a letter or digit (for example "observability")',
    );
  }
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 subdomain: ConfigMap and Secret names. */
export function assertDnsSubdomain(subject: string, what: string, name: string): void {
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw new Error(
      `${subject}: invalid ${what} (got ${JSON.stringify(name)}); use lowercase letters, digits, "-" and ".", ` +
      'starting and ending with a letter or digit (for example "grafana-admin")',
    );
  }
}

/** A Kubernetes resource quantity of CPU ("250m", "1") or of memory ("512Mi", "2Gi"), with examples of its kind. */
export function assertQuantity(subject: string, what: string, value: string, kind: 'cpu' | 'memory'): void {
  if (!QUANTITY.test(value)) {
    const example = kind === 'cpu' ? '"250m" or "1"' : '"512Mi" or "2Gi"';
    throw new Error(
      `${subject}: invalid ${what} quantity (got ${JSON.stringify(value)}); write it as Kubernetes does, such as ${example}`,
    );
  }
}

/** A TCP port number. */
export function assertPort(subject: string, what: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${subject}: ${what} out of range (got ${port}); use a whole number from 1 to 65535`);
  }
}

/** A whole number of at least `min`. */
export function assertWholeNumber(subject: string, what: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${subject}: ${what} must be a whole number of at least ${min} (got ${value})`);
  }
}

const PROM_DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;

/**
 * The one form every duration prop of the stack accepts, Prometheus's: whole numbers with the
 * units y (365d), w, d, h, m, s and ms, largest first, such as "15d", "1h30m" or "500ms" (no
 * fractions, no ns or us). Go durations without those ("168h", "72h30m") are written the same
 * way. Returns the milliseconds.
 */
export function parseDuration(subject: string, what: string, value: string): number {
  const m = PROM_DURATION.exec(value);
  const ms = m === null || value === '' ? 0 : [
    [2, 365 * 24 * 3600e3], [4, 7 * 24 * 3600e3], [6, 24 * 3600e3], [8, 3600e3], [10, 60e3], [12, 1e3], [14, 1],
  ].reduce((sum, [group, unit]) => sum + Number(m[group] ?? 0) * unit, 0);
  if (ms <= 0) {
    throw new Error(
      `${subject}: invalid ${what} (got ${JSON.stringify(value)}); write a positive duration with units y, w, d, h, m, s, ms ` +
      'and no fractions, such as "15d" or "1h30m"',
    );
  }
  return ms;
}

/**
 * A duration prop (checked with parseDuration) as a Go duration, for what reads those (Tempo,
 * Alloy): days, weeks and years become hours ("7d" is "168h", "1w2d" is "216h"); a value
 * without them is kept as written.
 */
export function goDuration(subject: string, what: string, value: string): string {
  const total = parseDuration(subject, what, value);
  if (!/[ywd]/.test(value)) return value;
  const parts: [number, string][] = [
    [Math.floor(total / 3600e3), 'h'], [Math.floor(total / 60e3) % 60, 'm'], [Math.floor(total / 1e3) % 60, 's'], [total % 1e3, 'ms'],
  ];
  return parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join('');
}

const KUBE_UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const PROM_UNITS: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40, PB: 2 ** 50 };

/**
 * Bytes of a size: a Kubernetes quantity ("10Gi") or a Prometheus size ("8GB", base 2).
 */
export function parseSize(subject: string, what: string, value: string, style: 'kubernetes' | 'prometheus'): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([A-Za-z]*)$/.exec(value);
  const units = style === 'kubernetes' ? KUBE_UNITS : PROM_UNITS;
  const unit = m ? units[m[2]] : undefined;
  if (m === null || unit === undefined || Number(m[1]) <= 0) {
    const example = style === 'kubernetes' ? '"10Gi" or "500Mi"' : '"8GB" or "512MB"';
    throw new Error(`${subject}: invalid ${what} (got ${JSON.stringify(value)}); write a positive size such as ${example}`);
  }
  return Number(m[1]) * unit;
}

/** The first value that appears twice, or undefined: for "give each its own name" checks. */
export function firstDuplicate<T>(values: readonly T[]): T | undefined {
  const seen = new Set<T>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return undefined;
}

/** Node directories a collector mounts or reads: absolute, without "..", a plain path. */
export function assertHostPath(subject: string, what: string, path: string): void {
  if (!/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/.test(path) || path.split('/').includes('..')) {
    throw new Error(`${subject}: ${what} must be absolute directories without ".." (got ${JSON.stringify(path)}); such as "/var/log"`);
  }
}

/**
 * Seconds as a duration that Go, Prometheus, Loki and Tempo all read: whole minutes, rounded
 * up, such as "2h20m" or "45m".
 */
export function durationText(seconds: number): string {
  const minutes = Math.ceil(seconds / 60 - 1e-9);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m}m` : m === 0 ? `${h}h` : `${h}h${m}m`;
}

/** Bytes as a Kubernetes quantity: whole Gi, else Mi (rounded), such as "3Gi" or "1536Mi". */
export function quantityText(bytes: number): string {
  return bytes % 2 ** 30 === 0 ? `${bytes / 2 ** 30}Gi` : `${Math.round(bytes / 2 ** 20)}Mi`;
}
