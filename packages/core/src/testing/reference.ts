/** Float64 references of the primitives as naive loops over flat row-major arrays, simple enough to check by eye. */

/** A flat row-major array with its shape. */
export interface Ref {
  readonly shape: number[];
  readonly data: number[];
}

/** A reference result of a sum of products, with Σ|term| per element to scale the tolerance. */
export interface ScaledRef extends Ref {
  readonly scale: number[];
}

export interface ConvRefAttrs {
  readonly strides: readonly [number, number];
  readonly padding: readonly (readonly [number, number])[];
  readonly dilations: readonly [number, number];
}

export interface PoolRefAttrs {
  readonly filterSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: readonly (readonly [number, number])[];
}

// ---------------------------------------------------------------- shapes and indices

export function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Multi-index of flat position `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let off = 0;
  for (let d = 0; d < shape.length; d++) off = off * shape[d] + idx[d];
  return off;
}

/** NumPy broadcast of shapes, or null when they do not broadcast. */
export function broadcastShape(...shapes: (readonly number[])[]): number[] | null {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      if (out[o] === 1) out[o] = s[i];
      else if (s[i] !== 1 && s[i] !== out[o]) return null;
    }
  }
  return out;
}

/** Flat index into `shape` (right-aligned, size-1 axes repeated) of the multi-index `outIdx`. */
function broadcastIndex(outIdx: readonly number[], shape: readonly number[]): number {
  const lead = outIdx.length - shape.length;
  let off = 0;
  for (let d = 0; d < shape.length; d++) off = off * shape[d] + (shape[d] === 1 ? 0 : outIdx[lead + d]);
  return off;
}

// ---------------------------------------------------------------- scalar functions

/** sign with sign(±0) = 0 and sign(NaN) = NaN. */
export function signRef(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN;
}

/** Round half to even. */
export function roundHalfEvenRef(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Logistic function that never overflows. */
export function sigmoidRef(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** erf = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(2n+1)!!: every term is positive, so no cancellation spoils float64. */
export function erfRef(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a > 6) return Math.sign(x);
  let term = a;
  let sum = a;
  for (let n = 0; n < 500; n++) {
    term *= (2 * a * a) / (2 * n + 3);
    sum += term;
    if (term < sum * 1e-18) break;
  }
  const r = (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
  return x < 0 ? -r : r;
}

/** Floor modulo: the result has the sign of the divisor. */
export function floorModRef(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** int32 floor modulo; a zero divisor gives 0. */
export function floorModIntRef(a: number, b: number): number {
  if (b === 0) return 0;
  return floorModRef(a, b) | 0;
}

/** float → int32: truncates toward zero, NaN → 0, saturates. */
export function castToInt32Ref(v: number): number {
  if (Number.isNaN(v)) return 0;
  if (v <= -2147483648) return -2147483648;
  if (v >= 2147483647) return 2147483647;
  return Math.trunc(v);
}

// ---------------------------------------------------------------- elementwise and broadcasting

/** `x` of shape `shape` broadcast to `outShape`. */
export function broadcastToRef(
  x: readonly number[],
  shape: readonly number[],
  outShape: readonly number[],
): Ref {
  const n = size(outShape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) data[i] = x[broadcastIndex(unravel(i, outShape), shape)];
  return { shape: [...outShape], data };
}

/** fn applied elementwise over the broadcast of every input. */
export function mapRef(inputs: readonly Ref[], fn: (...v: number[]) => number): Ref {
  const shape = broadcastShape(...inputs.map((r) => r.shape));
  if (shape === null)
    throw new Error(`mapRef: shapes ${inputs.map((r) => `[${r.shape}]`).join(" ")} do not broadcast`);
  const n = size(shape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, shape);
    data[i] = fn(...inputs.map((r) => r.data[broadcastIndex(idx, r.shape)]));
  }
  return { shape, data };
}

// ---------------------------------------------------------------- reductions

export function reduceRef(x: Ref, axes: readonly number[], kind: "sum" | "max" | "min"): Ref {
  const outShape = x.shape.filter((_, d) => !axes.includes(d));
  const init = kind === "sum" ? 0 : kind === "max" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const data = new Array<number>(size(outShape)).fill(init);
  for (let i = 0; i < x.data.length; i++) {
    const idx = unravel(i, x.shape).filter((_, d) => !axes.includes(d));
    const o = ravel(idx, outShape);
    const v = x.data[i];
    const acc = data[o];
    if (kind === "sum") data[o] = acc + v;
    else if (Number.isNaN(acc) || Number.isNaN(v)) data[o] = Number.NaN;
    else data[o] = kind === "max" ? Math.max(acc, v) : Math.min(acc, v);
  }
  return { shape: outShape, data };
}

/** Index of the first extreme along `axis`; a NaN is the extreme, the first one wins. */
export function argReduceRef(x: Ref, axis: number, kind: "argmax" | "argmin"): Ref {
  const outShape = x.shape.filter((_, d) => d !== axis);
  const n = size(outShape);
  const len = x.shape[axis];
  const data = new Array<number>(n);
  for (let o = 0; o < n; o++) {
    const idx = unravel(o, outShape);
    idx.splice(axis, 0, 0);
    let best = 0;
    let bestValue = x.data[ravel(idx, x.shape)];
    for (let k = 1; k < len && !Number.isNaN(bestValue); k++) {
      idx[axis] = k;
      const v = x.data[ravel(idx, x.shape)];
      if (Number.isNaN(v) || (kind === "argmax" ? v > bestValue : v < bestValue)) {
        best = k;
        bestValue = v;
      }
    }
    data[o] = best;
  }
  return { shape: outShape, data };
}

// ---------------------------------------------------------------- movement

export function transposeRef(x: Ref, perm: readonly number[]): Ref {
  const outShape = perm.map((p) => x.shape[p]);
  const n = size(outShape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const outIdx = unravel(i, outShape);
    const inIdx = new Array<number>(perm.length);
    for (let d = 0; d < perm.length; d++) inIdx[perm[d]] = outIdx[d];
    data[i] = x.data[ravel(inIdx, x.shape)];
  }
  return { shape: outShape, data };
}

export function sliceRef(x: Ref, begin: readonly number[], sizes: readonly number[]): Ref {
  const n = size(sizes);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, sizes).map((v, d) => v + begin[d]);
    data[i] = x.data[ravel(idx, x.shape)];
  }
  return { shape: [...sizes], data };
}

export function padRef(x: Ref, paddings: readonly (readonly [number, number])[], value: number): Ref {
  const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const n = size(outShape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, outShape).map((v, d) => v - paddings[d][0]);
    const inside = idx.every((v, d) => v >= 0 && v < x.shape[d]);
    data[i] = inside ? x.data[ravel(idx, x.shape)] : value;
  }
  return { shape: outShape, data };
}

export function concatRef(xs: readonly Ref[], axis: number): Ref {
  const outShape = [...xs[0].shape];
  outShape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const n = size(outShape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, outShape);
    let k = 0;
    while (idx[axis] >= xs[k].shape[axis]) idx[axis] -= xs[k++].shape[axis];
    data[i] = xs[k].data[ravel(idx, xs[k].shape)];
  }
  return { shape: outShape, data };
}

/** out = x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]. */
export function gatherRef(x: Ref, indices: Ref, axis: number): Ref {
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const k = indices.shape.length;
  const n = size(outShape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, outShape);
    const at = indices.data[ravel(idx.slice(axis, axis + k), indices.shape)];
    data[i] = x.data[ravel([...idx.slice(0, axis), at, ...idx.slice(axis + k)], x.shape)];
  }
  return { shape: outShape, data };
}

/** The transpose of gather: every slice of `updates` added at the position its index names. */
export function scatterAddRef(updates: Ref, indices: Ref, axis: number, sizeAtAxis: number): Ref {
  const k = indices.shape.length;
  const outShape = [...updates.shape.slice(0, axis), sizeAtAxis, ...updates.shape.slice(axis + k)];
  const data = new Array<number>(size(outShape)).fill(0);
  for (let i = 0; i < updates.data.length; i++) {
    const idx = unravel(i, updates.shape);
    const at = indices.data[ravel(idx.slice(axis, axis + k), indices.shape)];
    data[ravel([...idx.slice(0, axis), at, ...idx.slice(axis + k)], outShape)] += updates.data[i];
  }
  return { shape: outShape, data };
}

// ---------------------------------------------------------------- matmul

/** a: [...batch, m, k], b: [...batch, k, n] after the optional transposes of the last two axes. */
export function matmulRef(a: Ref, b: Ref, transposeA: boolean, transposeB: boolean): ScaledRef {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [m, k] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShape(batchA, batchB);
  if (batch === null) throw new Error("matmulRef: batch dimensions do not broadcast");
  const outShape = [...batch, m, n];
  const data = new Array<number>(size(outShape)).fill(0);
  const scale = new Array<number>(data.length).fill(0);
  const matA = a.shape[ra - 2] * a.shape[ra - 1];
  const matB = b.shape[rb - 2] * b.shape[rb - 1];
  for (let p = 0; p < size(batch); p++) {
    const idx = unravel(p, batch);
    const offA = broadcastIndex(idx, batchA) * matA;
    const offB = broadcastIndex(idx, batchB) * matB;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let abs = 0;
        for (let t = 0; t < k; t++) {
          const av = a.data[offA + (transposeA ? t * m + i : i * k + t)];
          const bv = b.data[offB + (transposeB ? j * k + t : t * n + j)];
          s += av * bv;
          abs += Math.abs(av * bv);
        }
        data[(p * m + i) * n + j] = s;
        scale[(p * m + i) * n + j] = abs;
      }
    }
  }
  return { shape: outShape, data, scale };
}

// ---------------------------------------------------------------- conv2d

/** floor((in + padBefore + padAfter − dilation·(k−1) − 1) / stride) + 1, or 0 when the window does not fit. */
export function outSizeRef(
  inSize: number,
  k: number,
  stride: number,
  dilation: number,
  pad: readonly [number, number],
): number {
  const span = dilation * (k - 1) + 1;
  const padded = inSize + pad[0] + pad[1];
  return padded < span ? 0 : Math.floor((padded - span) / stride) + 1;
}

export function conv2dOutShapeRef(
  xShape: readonly number[],
  fShape: readonly number[],
  attrs: ConvRefAttrs,
): number[] {
  return [
    xShape[0],
    outSizeRef(xShape[1], fShape[0], attrs.strides[0], attrs.dilations[0], attrs.padding[0]),
    outSizeRef(xShape[2], fShape[1], attrs.strides[1], attrs.dilations[1], attrs.padding[1]),
    fShape[3],
  ];
}

/** Calls fn(xFlat, fFlat, yFlat) for every product term x·f that contributes to conv2d's output y. */
function convTerms(
  xShape: readonly number[],
  fShape: readonly number[],
  attrs: ConvRefAttrs,
  fn: (xi: number, fi: number, yi: number) => void,
): number[] {
  const [batch, h, w, c] = xShape;
  const [kh, kw, , o] = fShape;
  const yShape = conv2dOutShapeRef(xShape, fShape, attrs);
  const [, oh, ow] = yShape;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        for (let i = 0; i < kh; i++) {
          const hi = y * attrs.strides[0] - attrs.padding[0][0] + i * attrs.dilations[0];
          if (hi < 0 || hi >= h) continue;
          for (let j = 0; j < kw; j++) {
            const wj = x * attrs.strides[1] - attrs.padding[1][0] + j * attrs.dilations[1];
            if (wj < 0 || wj >= w) continue;
            for (let ch = 0; ch < c; ch++) {
              for (let out = 0; out < o; out++) {
                fn(
                  ((b * h + hi) * w + wj) * c + ch,
                  ((i * kw + j) * c + ch) * o + out,
                  ((b * oh + y) * ow + x) * o + out,
                );
              }
            }
          }
        }
      }
    }
  }
  return yShape;
}

/** conv2d of x [N,H,W,C] with filter [kh,kw,C,O] (cross-correlation, as in TF). */
export function conv2dRef(x: Ref, f: Ref, attrs: ConvRefAttrs): ScaledRef {
  const yShape = conv2dOutShapeRef(x.shape, f.shape, attrs);
  const data = new Array<number>(size(yShape)).fill(0);
  const scale = new Array<number>(data.length).fill(0);
  convTerms(x.shape, f.shape, attrs, (xi, fi, yi) => {
    const t = x.data[xi] * f.data[fi];
    data[yi] += t;
    scale[yi] += Math.abs(t);
  });
  return { shape: yShape, data, scale };
}

/** dx of conv2d: every term x·f of the forward pass sends dy·f back to x. */
export function conv2dBackpropInputRef(
  dy: Ref,
  f: Ref,
  inputShape: readonly number[],
  attrs: ConvRefAttrs,
): ScaledRef {
  const data = new Array<number>(size(inputShape)).fill(0);
  const scale = new Array<number>(data.length).fill(0);
  convTerms(inputShape, f.shape, attrs, (xi, fi, yi) => {
    const t = dy.data[yi] * f.data[fi];
    data[xi] += t;
    scale[xi] += Math.abs(t);
  });
  return { shape: [...inputShape], data, scale };
}

/** dfilter of conv2d: every term x·f of the forward pass sends dy·x back to f. */
export function conv2dBackpropFilterRef(
  x: Ref,
  dy: Ref,
  filterShape: readonly number[],
  attrs: ConvRefAttrs,
): ScaledRef {
  const data = new Array<number>(size(filterShape)).fill(0);
  const scale = new Array<number>(data.length).fill(0);
  convTerms(x.shape, filterShape, attrs, (xi, fi, yi) => {
    const t = dy.data[yi] * x.data[xi];
    data[fi] += t;
    scale[fi] += Math.abs(t);
  });
  return { shape: [...filterShape], data, scale };
}

// ---------------------------------------------------------------- pooling

export function poolOutShapeRef(xShape: readonly number[], attrs: PoolRefAttrs): number[] {
  return [
    xShape[0],
    outSizeRef(xShape[1], attrs.filterSize[0], attrs.strides[0], 1, attrs.padding[0]),
    outSizeRef(xShape[2], attrs.filterSize[1], attrs.strides[1], 1, attrs.padding[1]),
    xShape[3],
  ];
}

/** Calls fn(outFlat, inFlats) for every window with the in-bounds inputs in row-major window order. */
function poolWindows(
  xShape: readonly number[],
  attrs: PoolRefAttrs,
  fn: (yi: number, xis: number[]) => void,
): number[] {
  const [batch, h, w, c] = xShape;
  const yShape = poolOutShapeRef(xShape, attrs);
  const [, oh, ow] = yShape;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        for (let ch = 0; ch < c; ch++) {
          const xis: number[] = [];
          for (let i = 0; i < attrs.filterSize[0]; i++) {
            const hi = y * attrs.strides[0] - attrs.padding[0][0] + i;
            if (hi < 0 || hi >= h) continue;
            for (let j = 0; j < attrs.filterSize[1]; j++) {
              const wj = x * attrs.strides[1] - attrs.padding[1][0] + j;
              if (wj >= 0 && wj < w) xis.push(((b * h + hi) * w + wj) * c + ch);
            }
          }
          fn(((b * oh + y) * ow + x) * c + ch, xis);
        }
      }
    }
  }
  return yShape;
}

/** Index into `xis` of the first maximum of x over them. */
function firstMax(x: readonly number[], xis: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < xis.length; k++) if (x[xis[k]] > x[xis[best]]) best = k;
  return best;
}

export function maxPoolRef(x: Ref, attrs: PoolRefAttrs): Ref {
  const yShape = poolOutShapeRef(x.shape, attrs);
  const data = new Array<number>(size(yShape)).fill(Number.NaN);
  poolWindows(x.shape, attrs, (yi, xis) => {
    if (xis.length > 0) data[yi] = x.data[xis[firstMax(x.data, xis)]];
  });
  return { shape: yShape, data };
}

export function maxPoolBackwardRef(dy: Ref, x: Ref, attrs: PoolRefAttrs): Ref {
  const data = new Array<number>(x.data.length).fill(0);
  poolWindows(x.shape, attrs, (yi, xis) => {
    if (xis.length > 0) data[xis[firstMax(x.data, xis)]] += dy.data[yi];
  });
  return { shape: [...x.shape], data };
}

export function avgPoolRef(x: Ref, attrs: PoolRefAttrs): Ref {
  const yShape = poolOutShapeRef(x.shape, attrs);
  const data = new Array<number>(size(yShape)).fill(Number.NaN);
  poolWindows(x.shape, attrs, (yi, xis) => {
    if (xis.length > 0) data[yi] = xis.reduce((s, i) => s + x.data[i], 0) / xis.length;
  });
  return { shape: yShape, data };
}

export function avgPoolBackwardRef(dy: Ref, inputShape: readonly number[], attrs: PoolRefAttrs): Ref {
  const data = new Array<number>(size(inputShape)).fill(0);
  poolWindows(inputShape, attrs, (yi, xis) => {
    for (const i of xis) data[i] += dy.data[yi] / xis.length;
  });
  return { shape: [...inputShape], data };
}

// ---------------------------------------------------------------- data

/** A small deterministic generator (mulberry32) for test data: the same seed gives the same values. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` uniform values in [lo, hi) from `seed`; integers in [lo, hi) when `integer` is set. */
export function randomValues(n: number, seed: number, lo = -1, hi = 1, integer = false): number[] {
  const r = rng(seed);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = lo + (hi - lo) * r();
    out[i] = integer ? Math.floor(v) : v;
  }
  return out;
}

/** Σ a_i·b_i in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
