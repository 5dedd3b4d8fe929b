/**
 * Just enough of Prometheus remote write (protocol 1.0) for a test client: the WriteRequest
 * protobuf, hand-encoded, and snappy's block format with literal elements only (valid
 * snappy, uncompressed), so no native dependency is needed.
 */

export interface TimeSeries {
  readonly labels: Record<string, string>;
  readonly samples: ReadonlyArray<{ value: number; timestampMs: number }>;
}

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function field(num: number, bytes: number[]): number[] {
  return [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes];
}

function utf8(s: string): number[] {
  return [...Buffer.from(s, 'utf-8')];
}

/** prometheus.WriteRequest { repeated TimeSeries timeseries = 1; } */
export function encodeWriteRequest(series: readonly TimeSeries[]): Buffer {
  const out: number[] = [];
  for (const ts of series) {
    const body: number[] = [];
    // labels sorted by name, as the protocol requires
    for (const name of Object.keys(ts.labels).sort()) {
      body.push(...field(1, [...field(1, utf8(name)), ...field(2, utf8(ts.labels[name]))]));
    }
    for (const s of ts.samples) {
      const value = Buffer.alloc(8);
      value.writeDoubleLE(s.value);
      // Sample { double value = 1; int64 timestamp = 2; }
      body.push(...field(2, [0x09, ...value, 0x10, ...varint(s.timestampMs)]));
    }
    out.push(...field(1, body));
  }
  return Buffer.from(out);
}

/** Snappy block format: the uncompressed length, then literal elements of at most 60 bytes. */
export function snappyLiteral(data: Buffer): Buffer {
  const out: number[] = [...varint(data.length)];
  for (let i = 0; i < data.length; i += 60) {
    const chunk = data.subarray(i, i + 60);
    out.push((chunk.length - 1) << 2, ...chunk);
  }
  return Buffer.from(out);
}
