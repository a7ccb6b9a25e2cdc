import ndarray from "ndarray";
import { type DType, type TypedArray, typedArrayFor } from "../dtype.ts";
import { makeTensor } from "../engine.ts";
import { ValueError } from "../errors.ts";
import { checkDType, checkTensor, describeValue } from "../ops/util.ts";
import type { Tensor } from "../tensor.ts";

/** The tensor dtype of an ndarray's data type: floats keep their width, integer types become int32. */
function dtypeOfNdarray(nd: ndarray.NdArray<ndarray.Data>): DType {
  switch (nd.dtype as string) {
    case "float32":
    case "float16":
      return "float32";
    case "float64":
      return "float64";
    case "int8":
    case "int16":
    case "int32":
    case "uint8":
    case "uint8_clamped":
    case "uint16":
    case "uint32":
      return "int32";
    default: {
      // Plain arrays: booleans make bool, anything else float32 (like `tensor`).
      const first = nd.size > 0 ? reader(nd)(nd.offset) : 0;
      return typeof first === "boolean" ? "bool" : "float32";
    }
  }
}

/** Element access for typed arrays, plain arrays and ndarray's get/set "generic" arrays. */
function reader(nd: ndarray.NdArray<ndarray.Data>): (i: number) => unknown {
  const data = nd.data as ArrayLike<unknown> & { get?: (i: number) => unknown };
  return typeof data.get === "function" ? (i) => data.get!(i) : (i) => data[i];
}

function isNdarray(x: unknown): x is ndarray.NdArray<ndarray.Data> {
  const nd = x as ndarray.NdArray<ndarray.Data> | null;
  return (
    nd !== null &&
    typeof nd === "object" &&
    Array.isArray(nd.shape) &&
    Array.isArray(nd.stride) &&
    typeof nd.offset === "number" &&
    nd.data !== undefined
  );
}

/**
 * A tensor holding the elements of an ndarray (any strides and offset), copied in row-major order.
 * The dtype is `dtype` if given, else from the ndarray's data: float32/float64 keep theirs, every
 * integer type (uint8 images included) becomes int32, and plain arrays float32 (bool for booleans).
 */
export function fromNdarray(nd: ndarray.NdArray<ndarray.Data>, dtype?: DType): Tensor {
  if (!isNdarray(nd)) throw new ValueError(`fromNdarray: nd must be an ndarray, got ${describeValue(nd)}`);
  const d = dtype ?? dtypeOfNdarray(nd);
  checkDType("fromNdarray", "dtype", d);
  const shape = [...nd.shape];
  const rank = shape.length;
  const size = shape.reduce((a, b) => a * b, 1);
  const out = typedArrayFor(d, size);
  const read = reader(nd);
  const index = new Array<number>(rank).fill(0);
  let pos = nd.offset;
  for (let k = 0; k < size; k++) {
    const v = read(pos);
    if (d === "int32" && typeof v === "number" && (v > 2147483647 || v < -2147483648)) {
      throw new ValueError(
        `fromNdarray: value ${v} at flat index ${k} does not fit in int32 (pass dtype 'float64' or 'float32')`,
      );
    }
    out[k] = d === "bool" ? (v ? 1 : 0) : Number(v);
    // Odometer over the index, moving `pos` by the strides.
    for (let ax = rank - 1; ax >= 0; ax--) {
      index[ax]++;
      pos += nd.stride[ax];
      if (index[ax] < shape[ax]) break;
      pos -= nd.stride[ax] * shape[ax];
      index[ax] = 0;
    }
  }
  return makeTensor(out, shape, d);
}

/** A row-major ndarray of a copy of the tensor's data (bool as 0/1 in a Uint8Array). */
export function toNdarray(t: Tensor): ndarray.NdArray<TypedArray> {
  checkTensor("toNdarray", "t", t);
  return ndarray(t.dataSync() as TypedArray, [...t.shape]);
}
