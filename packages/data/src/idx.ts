import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { ValueError } from "@axon/core";
import { DataError } from "./errors.ts";

/**
 * The IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/): two zero bytes, a type
 * code, the rank, one big-endian uint32 per dimension, then the elements in row-major order, big-endian.
 */

/** The element types of IDX, named after the typed array that holds them. */
export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface Idx {
  readonly type: IdxType;
  /** One entry per dimension; the product is `data.length`. */
  readonly shape: readonly number[];
  readonly data: IdxArray;
}

interface TypeInfo {
  readonly type: IdxType;
  readonly code: number;
  readonly bytes: number;
  readonly make: (n: number) => IdxArray;
  readonly get: (view: DataView, offset: number) => number;
  readonly set: (view: DataView, offset: number, value: number) => void;
}

const TYPES: readonly TypeInfo[] = [
  {
    type: "uint8",
    code: 0x08,
    bytes: 1,
    make: (n) => new Uint8Array(n),
    get: (v, o) => v.getUint8(o),
    set: (v, o, x) => v.setUint8(o, x),
  },
  {
    type: "int8",
    code: 0x09,
    bytes: 1,
    make: (n) => new Int8Array(n),
    get: (v, o) => v.getInt8(o),
    set: (v, o, x) => v.setInt8(o, x),
  },
  {
    type: "int16",
    code: 0x0b,
    bytes: 2,
    make: (n) => new Int16Array(n),
    get: (v, o) => v.getInt16(o),
    set: (v, o, x) => v.setInt16(o, x),
  },
  {
    type: "int32",
    code: 0x0c,
    bytes: 4,
    make: (n) => new Int32Array(n),
    get: (v, o) => v.getInt32(o),
    set: (v, o, x) => v.setInt32(o, x),
  },
  {
    type: "float32",
    code: 0x0d,
    bytes: 4,
    make: (n) => new Float32Array(n),
    get: (v, o) => v.getFloat32(o),
    set: (v, o, x) => v.setFloat32(o, x),
  },
  {
    type: "float64",
    code: 0x0e,
    bytes: 8,
    make: (n) => new Float64Array(n),
    get: (v, o) => v.getFloat64(o),
    set: (v, o, x) => v.setFloat64(o, x),
  },
];

const hex = (b: number) => `0x${b.toString(16).padStart(2, "0")}`;
const codes = TYPES.map((t) => `${hex(t.code)} ${t.type}`).join(", ");

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads an IDX file (a path) or IDX bytes, gzipped (detected by the magic 1f 8b) or plain. Every
 * header field and the exact length are checked; a truncated or corrupt input throws a `DataError`
 * naming the source, what was expected and what was found, never a partial result.
 */
export function readIdx(source: string | Uint8Array, name?: string): Idx {
  if (typeof source === "string") {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(source);
    } catch (e) {
      throw new DataError(`readIdx: cannot read ${source}: ${(e as Error).message}`);
    }
    return parseIdx(bytes, name ?? source);
  }
  if (!(source instanceof Uint8Array))
    throw new ValueError(`readIdx: expected a path or a Uint8Array, got ${typeof source}`);
  return parseIdx(source, name ?? "IDX bytes");
}

function parseIdx(input: Uint8Array, name: string): Idx {
  let bytes = input;
  if (isGzip(input)) {
    try {
      bytes = gunzipSync(input);
    } catch (e) {
      throw new DataError(
        `readIdx: ${name} is not a complete gzip stream (${(e as Error).message}); the file is truncated or corrupt, fetch it again`,
      );
    }
  }
  const found = `found ${bytes.length} byte${bytes.length === 1 ? "" : "s"}`;
  if (bytes.length < 4)
    throw new DataError(`readIdx: ${name} is too short for an IDX header (at least 4 bytes), ${found}`);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new DataError(
      `readIdx: ${name} is not an IDX file: expected the magic 0x00 0x00, found ${hex(bytes[0])} ${hex(bytes[1])}`,
    );
  const info = TYPES.find((t) => t.code === bytes[2]);
  if (!info)
    throw new DataError(
      `readIdx: ${name} has the unknown type code ${hex(bytes[2])}, expected one of ${codes}`,
    );
  const rank = bytes[3];
  if (rank === 0) throw new DataError(`readIdx: ${name} has rank 0, expected at least one dimension`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes)
    throw new DataError(
      `readIdx: ${name} is truncated: a rank-${rank} header takes ${headerBytes} bytes, ${found}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d));
  const size = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + size * info.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? "is truncated" : "has trailing bytes";
    throw new DataError(
      `readIdx: ${name} ${what}: its header says ${info.type} [${shape.join(",")}], ` +
        `${headerBytes} + ${size} × ${info.bytes} = ${expected} bytes, ${found}`,
    );
  }
  const data = info.make(size);
  // Setting a typed array from another converts each element, so 0xff becomes −1 in an Int8Array.
  if (info.bytes === 1) data.set(bytes.subarray(headerBytes));
  else for (let i = 0; i < size; i++) data[i] = info.get(view, headerBytes + i * info.bytes);
  return { type: info.type, shape, data };
}

function typeOfArray(data: IdxArray): TypeInfo {
  const type: IdxType | undefined =
    data instanceof Uint8Array
      ? "uint8"
      : data instanceof Int8Array
        ? "int8"
        : data instanceof Int16Array
          ? "int16"
          : data instanceof Int32Array
            ? "int32"
            : data instanceof Float32Array
              ? "float32"
              : data instanceof Float64Array
                ? "float64"
                : undefined;
  const info = TYPES.find((t) => t.type === type);
  if (!info)
    throw new ValueError(
      `encodeIdx: data must be a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array, got ${Object.prototype.toString.call(data)}`,
    );
  return info;
}

/** The IDX bytes of a typed array of the given shape (the type code follows the array's type); gzipped on request. */
export function encodeIdx(
  idx: { readonly data: IdxArray; readonly shape: readonly number[] },
  options: { gzip?: boolean } = {},
): Uint8Array {
  const { data, shape } = idx;
  const info = typeOfArray(data);
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 255)
    throw new ValueError(`encodeIdx: shape must list 1 to 255 dimensions, got ${JSON.stringify(shape)}`);
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff)
      throw new ValueError(`encodeIdx: dimensions must be integers in [0, 2^32), got [${shape.join(",")}]`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length)
    throw new ValueError(
      `encodeIdx: shape [${shape.join(",")}] holds ${size} elements, data has ${data.length}`,
    );
  const headerBytes = 4 + 4 * shape.length;
  const bytes = new Uint8Array(headerBytes + size * info.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = info.code;
  bytes[3] = shape.length;
  for (let i = 0; i < shape.length; i++) view.setUint32(4 + 4 * i, shape[i]);
  for (let i = 0; i < size; i++) info.set(view, headerBytes + i * info.bytes, data[i]);
  return options.gzip ? new Uint8Array(gzipSync(bytes)) : bytes;
}

/** Writes an IDX file; gzipped when `options.gzip` is true or, by default, when the path ends in `.gz`. */
export function writeIdx(
  path: string,
  idx: { readonly data: IdxArray; readonly shape: readonly number[] },
  options: { gzip?: boolean } = {},
): void {
  writeFileSync(path, encodeIdx(idx, { gzip: options.gzip ?? path.endsWith(".gz") }));
}
