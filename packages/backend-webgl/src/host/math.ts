/**
 * Float32 math on the host with the GPU kernels' special values (see glsl/math.ts and the backend's
 * README): results are computed in double and rounded to float32 once, when they are stored in a
 * Float32Array. GPUs treat subnormal operands and results of arithmetic as zero (SwiftShader and the
 * drivers the backend is tested on do), so `flush` does the same here; copies and `abs` (a bit
 * operation on the GPU) keep them.
 */

const MIN_NORMAL = 2 ** -126;

/** A subnormal becomes a zero of the same sign; everything else is unchanged. */
export function flush(x: number): number {
  return x !== 0 && x > -MIN_NORMAL && x < MIN_NORMAL ? (x < 0 ? -0 : 0) : x;
}

/** log with the GPU's rules: log(±0) = −Inf, negative → NaN (a subnormal counts as zero). */
function log(x: number): number {
  return Math.log(flush(x));
}

/** Logistic function that never overflows: e^x / (1 + e^x) for negative x. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * erf as the GPU computes it: a Taylor series below 0.5, beyond it 1 − erfc with Numerical Recipes'
 * erfcc (fractional error below 1.2e-7), ±1 from |x| = 4 on.
 */
function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a >= 4) return x < 0 ? -1 : 1;
  if (a < 0.5) {
    // erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
    const z = x * x;
    let p = 0;
    for (let i = ERF_TAYLOR.length - 1; i >= 0; i--) p = ERF_TAYLOR[i] + z * p;
    return x * TWO_OVER_SQRT_PI * p;
  }
  const t = 1 / (1 + 0.5 * a);
  let q = 0;
  for (let i = ERFCC.length - 1; i >= 0; i--) q = ERFCC[i] + t * q;
  const r = 1 - t * Math.exp(-a * a + q);
  return x < 0 ? -r : r;
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ERF_TAYLOR = [1, -1 / 3, 1 / 10, -1 / 42, 1 / 216, -1 / 1320, 1 / 9360, -1 / 75600];
/** Numerical Recipes' erfcc: erfc(a) ≈ t·exp(−a² + Σ cₙ tⁿ), t = 1 / (1 + a/2). */
const ERFCC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** Round half to even; NaN, infinities and |x| ≥ 2²³ (already integers) unchanged; −0.4 → −0. */
function roundHalfEven(x: number): number {
  if (Number.isNaN(x) || !(Math.abs(x) < 8388608)) return x;
  let f = Math.floor(x);
  const d = x - f;
  if (d > 0.5 || (d === 0.5 && f % 2 !== 0)) f += 1;
  return f === 0 && x < 0 ? -0 : f;
}

/** Floor-mod with the sign of the divisor; x mod 0, NaN and ±Inf dividends give NaN. */
function floorMod(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b) || !Number.isFinite(a) || b === 0) return Number.NaN;
  if (!Number.isFinite(b)) return a === 0 || a < 0 === b < 0 ? a : b;
  // % on float32 operands is exact (the remainder is a float32); the correction rounds once.
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** Floor-mod of int32 with the divisor's sign; x mod 0 = 0. */
export function intMod(a: number, b: number): number {
  if (b === 0) return 0;
  const r = (a % b) | 0;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** float32 unary math, before flushing (inputs and results are flushed by the kernel). */
export const FLOAT_UNARY = {
  neg: (x: number) => -x,
  abs: Math.abs,
  sign: (x: number) => (Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : x),
  exp: Math.exp,
  log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x: number) => 1 / Math.sqrt(x),
  reciprocal: (x: number) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
} as const;

/** float32 arithmetic: IEEE division, `Math.pow`, NaN-propagating maximum/minimum, floor-mod. */
export const FLOAT_BINARY = {
  add: (a: number, b: number) => a + b,
  sub: (a: number, b: number) => a - b,
  mul: (a: number, b: number) => a * b,
  div: (a: number, b: number) => a / b,
  pow: Math.pow,
  maximum: (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b)),
  minimum: (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b)),
  mod: floorMod,
} as const;

/** int32 arithmetic wrapping like Int32Array (the store wraps sums; products need Math.imul). */
export const INT_BINARY = {
  add: (a: number, b: number) => a + b,
  sub: (a: number, b: number) => a - b,
  mul: Math.imul,
  maximum: Math.max,
  minimum: Math.min,
  mod: intMod,
} as const;
