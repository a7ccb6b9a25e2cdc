import { type Kernel, type TypedArray, stridesOf } from "@axon/core";
import { gemm } from "./gemm.ts";
import { prod } from "./indices.ts";
import { allocOut, broadcastStrides } from "./util.ts";

/**
 * Batched matmul with broadcast batch dimensions on the blocked `gemm`. float32 accumulates in
 * float64 and rounds once per output element; int32 wraps.
 */
export const matmul: Kernel<"matmul", TypedArray> = ([a, b], { transposeA, transposeB }, out) => {
  const res = allocOut(out);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const ro = out.shape.length;
  const m = out.shape[ro - 2];
  const n = out.shape[ro - 1];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  if (res.length === 0 || k === 0) return res;
  const acc = out.dtype === "float32" ? new Float64Array(res.length) : (res as Float64Array | Int32Array);
  // Element strides of A[i,p] and B[p,j] inside one matrix: a transpose only swaps them.
  const [ars, acs] = transposeA ? [1, m] : [k, 1];
  const [brs, bcs] = transposeB ? [1, k] : [n, 1];
  const aBatch = a.shape.slice(0, ra - 2);
  const bBatch = b.shape.slice(0, rb - 2);
  const batch = out.shape.slice(0, ro - 2);
  if (prod(bBatch) === 1 && !transposeA) {
    // One shared B and row-major A: stack every batch of A into one tall matrix.
    gemm(prod(batch) * m, n, k, a.buffer, 0, ars, acs, b.buffer, 0, brs, bcs, acc, 0, n);
  } else {
    const as = broadcastStrides(aBatch, batch).map((s) => s * m * k);
    const bs = broadcastStrides(bBatch, batch).map((s) => s * k * n);
    const os = stridesOf(batch);
    const count = prod(batch);
    for (let t = 0; t < count; t++) {
      let aOff = 0;
      let bOff = 0;
      for (let d = 0; d < batch.length; d++) {
        const i = Math.floor(t / os[d]) % batch[d];
        aOff += i * as[d];
        bOff += i * bs[d];
      }
      gemm(m, n, k, a.buffer, aOff, ars, acs, b.buffer, bOff, brs, bcs, acc, t * m * n, n);
    }
  }
  if (acc !== res) res.set(acc);
  return res;
};
