import { type Kernel, type TypedArray, stridesOf } from "@axon/core";
import { allocOut, broadcastStrides, collapseDims } from "./util.ts";

/** where(cond, a, b): a where cond is true, else b; all three broadcast together. */
export const where: Kernel<"where", TypedArray> = ([cond, a, b], _attrs, out) => {
  const res = allocOut(out);
  const n = res.length;
  const c = cond.buffer;
  const x = a.buffer;
  const y = b.buffer;
  if (c.length === n && x.length === n && y.length === n) {
    for (let i = 0; i < n; i++) res[i] = c[i] !== 0 ? x[i] : y[i];
    return res;
  }
  const col = collapseDims(out.shape, [
    broadcastStrides(cond.shape, out.shape),
    broadcastStrides(a.shape, out.shape),
    broadcastStrides(b.shape, out.shape),
    stridesOf(out.shape),
  ]);
  if (col === null) return res;
  const { dims } = col;
  const [cs, as, bs] = col.strides;
  const rank = dims.length;
  if (rank === 0) {
    res[0] = c[0] !== 0 ? x[0] : y[0];
    return res;
  }
  const m = dims[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let oc = 0;
  let oa = 0;
  let ob = 0;
  for (let p = 0; p < n; ) {
    for (let j = 0; j < m; j++) {
      res[p++] = c[oc + j * cs[rank - 1]] !== 0 ? x[oa + j * as[rank - 1]] : y[ob + j * bs[rank - 1]];
    }
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      oc += cs[d];
      oa += as[d];
      ob += bs[d];
      if (idx[d] < dims[d]) break;
      oc -= cs[d] * dims[d];
      oa -= as[d] * dims[d];
      ob -= bs[d] * dims[d];
      idx[d] = 0;
    }
  }
  return res;
};
