import type { TypedArray } from "@axon/core";

/** Depth (k) and width (n) of the packed panel of B: 128×512 doubles = 512 KiB, which stays in L2. */
const KC = 128;
const NC = 512;

/**
 * C += A·B for A m×k, B k×n and C m×n, the cache-blocked core of matmul and conv2d.
 * A[i,p] = a[aOff + i·ars + p·acs] and B[p,j] = b[bOff + p·brs + j·bcs], so any transpose is just a
 * choice of strides; C is row-major at cOff with row stride ldc. Each KC×NC block of B is packed into
 * a contiguous float64 panel, and the innermost loop runs along a row of that panel and of C, two
 * rows of C and four steps of k at a time. A float64 C accumulates float32 inputs in doubles;
 * an Int32Array C gives int32 arithmetic that wraps.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOff: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bOff: number,
  brs: number,
  bcs: number,
  c: Float64Array | Int32Array,
  cOff: number,
  ldc: number,
): void {
  if (m === 0 || n === 0 || k === 0) return;
  if (c instanceof Int32Array) gemmInt(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc);
  else gemmFloat(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc);
}

/** Copies the kb×nb block of B at `off` into `panel` row-major, reading B in its memory order. */
function packB(
  b: TypedArray,
  off: number,
  brs: number,
  bcs: number,
  kb: number,
  nb: number,
  panel: Float64Array | Int32Array,
): void {
  if (bcs <= brs) {
    for (let p = 0; p < kb; p++) {
      const row = off + p * brs;
      const dst = p * nb;
      for (let j = 0; j < nb; j++) panel[dst + j] = b[row + j * bcs];
    }
  } else {
    for (let j = 0; j < nb; j++) {
      const col = off + j * bcs;
      for (let p = 0; p < kb; p++) panel[p * nb + j] = b[col + p * brs];
    }
  }
}

function gemmFloat(
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOff: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bOff: number,
  brs: number,
  bcs: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  const panel = new Float64Array(Math.min(KC, k) * Math.min(NC, n));
  for (let jc = 0; jc < n; jc += NC) {
    const nb = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kb = Math.min(KC, k - pc);
      packB(b, bOff + pc * brs + jc * bcs, brs, bcs, kb, nb, panel);
      let i = 0;
      for (; i + 2 <= m; i += 2) {
        const a0r = aOff + i * ars + pc * acs;
        const a1r = a0r + ars;
        const c0 = cOff + i * ldc + jc;
        const c1 = c0 + ldc;
        let p = 0;
        for (; p + 4 <= kb; p += 4) {
          const q = a0r + p * acs;
          const r = a1r + p * acs;
          const x0 = a[q];
          const x1 = a[q + acs];
          const x2 = a[q + 2 * acs];
          const x3 = a[q + 3 * acs];
          const y0 = a[r];
          const y1 = a[r + acs];
          const y2 = a[r + 2 * acs];
          const y3 = a[r + 3 * acs];
          const b0 = p * nb;
          const b1 = b0 + nb;
          const b2 = b1 + nb;
          const b3 = b2 + nb;
          for (let j = 0; j < nb; j++) {
            const v0 = panel[b0 + j];
            const v1 = panel[b1 + j];
            const v2 = panel[b2 + j];
            const v3 = panel[b3 + j];
            c[c0 + j] += x0 * v0 + x1 * v1 + x2 * v2 + x3 * v3;
            c[c1 + j] += y0 * v0 + y1 * v1 + y2 * v2 + y3 * v3;
          }
        }
        for (; p < kb; p++) {
          const x0 = a[a0r + p * acs];
          const y0 = a[a1r + p * acs];
          const b0 = p * nb;
          for (let j = 0; j < nb; j++) {
            const v = panel[b0 + j];
            c[c0 + j] += x0 * v;
            c[c1 + j] += y0 * v;
          }
        }
      }
      if (i < m) {
        const a0r = aOff + i * ars + pc * acs;
        const c0 = cOff + i * ldc + jc;
        let p = 0;
        for (; p + 4 <= kb; p += 4) {
          const q = a0r + p * acs;
          const x0 = a[q];
          const x1 = a[q + acs];
          const x2 = a[q + 2 * acs];
          const x3 = a[q + 3 * acs];
          const b0 = p * nb;
          const b1 = b0 + nb;
          const b2 = b1 + nb;
          const b3 = b2 + nb;
          for (let j = 0; j < nb; j++) {
            c[c0 + j] += x0 * panel[b0 + j] + x1 * panel[b1 + j] + x2 * panel[b2 + j] + x3 * panel[b3 + j];
          }
        }
        for (; p < kb; p++) {
          const x0 = a[a0r + p * acs];
          const b0 = p * nb;
          for (let j = 0; j < nb; j++) c[c0 + j] += x0 * panel[b0 + j];
        }
      }
    }
  }
}

/** int32 C += A·B; Math.imul keeps each product exact before the wrap. */
function gemmInt(
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOff: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bOff: number,
  brs: number,
  bcs: number,
  c: Int32Array,
  cOff: number,
  ldc: number,
): void {
  const panel = new Int32Array(Math.min(KC, k) * Math.min(NC, n));
  for (let jc = 0; jc < n; jc += NC) {
    const nb = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kb = Math.min(KC, k - pc);
      packB(b, bOff + pc * brs + jc * bcs, brs, bcs, kb, nb, panel);
      for (let i = 0; i < m; i++) {
        const ar = aOff + i * ars + pc * acs;
        const cr = cOff + i * ldc + jc;
        for (let p = 0; p < kb; p++) {
          const x = a[ar + p * acs] | 0;
          const b0 = p * nb;
          for (let j = 0; j < nb; j++) c[cr + j] = (c[cr + j] + Math.imul(x, panel[b0 + j])) | 0;
        }
      }
    }
  }
}
