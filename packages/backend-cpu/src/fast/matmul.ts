import { stridesOf } from "@axon/core";
import { broadcastStrides } from "../kernels/util.ts";
import type { FastKernel } from "./types.ts";

function prod(s: readonly number[]): number {
  let p = 1;
  for (const d of s) p *= d;
  return p;
}

/**
 * float32 matmul on the WebAssembly GEMM: every transpose is a choice of strides resolved by the
 * packing, batches broadcast (one address triple per output matrix); a shared B with row-major A
 * folds the batch into the rows of one GEMM. Accumulates in float32, as float32 BLAS does.
 */
export const matmul: FastKernel<"matmul"> = (rt, [a, b], { transposeA, transposeB }, out) => {
  if (out.dtype !== "float32") return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const ro = out.shape.length;
  const m = out.shape[ro - 2];
  const n = out.shape[ro - 1];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const batch = out.shape.slice(0, ro - 2);
  const count = prod(batch);
  const res = rt.newBuffer("float32", count * m * n);
  if (res.length === 0) return res;
  a.buffer.toHeap();
  b.buffer.toHeap();
  const ap = a.buffer.ptr;
  const bp = b.buffer.ptr;
  const cp = res.ptr;
  const [ars, acs] = transposeA ? [1, m] : [k, 1];
  const [brs, bcs] = transposeB ? [1, k] : [n, 1];
  const aBatch = a.shape.slice(0, ra - 2);
  const bBatch = b.shape.slice(0, rb - 2);
  if (prod(bBatch) === 1 && !transposeA) {
    rt.sgemm(count * m, n, k, ars, acs, brs, bcs, n, [ap, bp, cp]);
    return res;
  }
  const as = broadcastStrides(aBatch, batch).map((s) => s * m * k);
  const bs = broadcastStrides(bBatch, batch).map((s) => s * k * n);
  const os = stridesOf(batch);
  const addresses = new Array<number>(3 * count);
  for (let t = 0; t < count; t++) {
    let aOff = 0;
    let bOff = 0;
    for (let d = 0; d < batch.length; d++) {
      const i = Math.floor(t / os[d]) % batch[d];
      aOff += i * as[d];
      bOff += i * bs[d];
    }
    addresses[3 * t] = ap + 4 * aOff;
    addresses[3 * t + 1] = bp + 4 * bOff;
    addresses[3 * t + 2] = cp + 4 * t * m * n;
  }
  rt.sgemm(m, n, k, ars, acs, brs, bcs, n, addresses);
  return res;
};
