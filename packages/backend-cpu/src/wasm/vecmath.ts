import type { FunctionBuilder, Local } from "./emitter.ts";

/**
 * f32x4 approximations of the transcendental functions, emitted inline. Each takes a v128 local and
 * returns a new local with the result. Errors are in float32 ulps of the exact value, measured
 * against double-precision references on 8.5 million points spread over every float32 exponent plus
 * dense grids on [−105, 90] and [0, 4]; vecmath.test.ts asserts the bounds in the last column.
 *
 * | function | method                                                         | measured | bound |
 * | -------- | -------------------------------------------------------------- | -------- | ----- |
 * | exp      | 2^n·p(r), r = x − n·ln2 (Cody–Waite), degree-6 p (Cephes expf) | 0.97     | 1.5   |
 * | log      | e·ln2 + log(m), m ∈ [√½, √2), degree-9 polynomial (Cephes logf) | 0.78     | 1.5   |
 * | tanh     | odd polynomial below 0.625 (Cephes tanhf), 1 − 2/(e^{2x}+1) above | 1.25   | 2     |
 * | sigmoid  | e/(1+e) for x < 0, 1/(1+e) otherwise, e = e^−|x| (no overflow)  | 2.23     | 3     |
 * | erf      | x·P(x²) below 1; 1 − exp(Q(x − 2.5)) on [1, 4]; ±1 beyond       | 2.48     | 3     |
 *
 * The erf polynomials are least-squares/Lawson fits made for this file: P (degree 6 in x²) has
 * relative error 1.2e-9 and Q (degree 8) absolute error 1.2e-8 in exact arithmetic; the rest is
 * float32 rounding. Subnormal results of exp and sigmoid are rounded once. Special values:
 * NaN → NaN; exp(+∞) = ∞, exp(−∞) = 0; log(0) = −∞, log(x < 0) = NaN, log(∞) = ∞;
 * tanh(±∞) = ±1; sigmoid(+∞) = 1, sigmoid(−∞) = 0; erf(±∞) = ±1. Large |x| never gives NaN.
 */

function splat(f: FunctionBuilder, v: number): FunctionBuilder {
  return f.f32x4(v);
}

/** Horner's rule: c[0] + x·(c[1] + x·(…)), coefficients from the constant term up. */
function horner(f: FunctionBuilder, x: Local, c: readonly number[]): Local {
  const acc = f.local("v128");
  splat(f, c[c.length - 1]).set(acc);
  for (let i = c.length - 2; i >= 0; i--) {
    f.get(acc).get(x).op("f32x4.mul");
    splat(f, c[i]).op("f32x4.add").set(acc);
  }
  return acc;
}

function copy(f: FunctionBuilder, x: Local): Local {
  const l = f.local("v128");
  f.get(x).set(l);
  return l;
}

/** exp(x). */
export function vexp(f: FunctionBuilder, x0: Local): Local {
  const x = f.local("v128");
  const n = f.local("v128");
  const r = f.local("v128");
  const ni = f.local("v128");
  const n1 = f.local("v128");
  // Clamp (pmax/pmin keep NaN): e^x overflows above 88.73 and is below the least subnormal under −103.97.
  f.get(x0).f32x4(-104).op("f32x4.pmax").f32x4(89).op("f32x4.pmin").set(x);
  f.get(x).f32x4(Math.LOG2E).op("f32x4.mul").op("f32x4.nearest").set(n);
  // r = x − n·ln2, with ln2 split so that n·ln2_hi is exact.
  f.get(x).get(n).f32x4(0.693359375).op("f32x4.mul").op("f32x4.sub");
  f.get(n).f32x4(-2.1219444e-4).op("f32x4.mul").op("f32x4.sub").set(r);
  // Cephes expf: 1 + r + r²·P(r).
  const p = horner(
    f,
    r,
    [5.0000001201e-1, 1.6666665459e-1, 4.1665795894e-2, 8.3334519073e-3, 1.3981999507e-3, 1.98756915e-4],
  );
  const y = f.local("v128");
  f.get(p)
    .get(r)
    .get(r)
    .op("f32x4.mul")
    .op("f32x4.mul")
    .get(r)
    .op("f32x4.add")
    .f32x4(1)
    .op("f32x4.add")
    .set(y);
  // 2^n as two powers (each a normal float) so that n from −150 to 129 scales without overflow.
  f.get(n).op("i32x4.trunc_sat_f32x4_s").set(ni);
  f.get(ni).i32(1).op("i32x4.shr_s").set(n1);
  const pow2 = (e: () => void) => {
    e();
    f.i32x4(127).op("i32x4.add").i32(23).op("i32x4.shl");
  };
  f.get(y);
  pow2(() => f.get(n1));
  f.op("f32x4.mul");
  pow2(() => f.get(ni).get(n1).op("i32x4.sub"));
  f.op("f32x4.mul").set(y);
  return y;
}

/** log(x). */
export function vlog(f: FunctionBuilder, x0: Local): Local {
  const x = f.local("v128");
  const e = f.local("v128");
  const m = f.local("v128");
  const small = f.local("v128");
  const sub = f.local("v128");
  // Subnormals: scale by 2^25 first and take 25 off the exponent.
  f.get(x0).f32x4(1.1754943508222875e-38).op("f32x4.lt").set(sub);
  f.get(x0).f32x4(33554432).op("f32x4.mul").get(x0).get(sub).op("v128.bitselect").set(x);
  // x = m·2^e with m ∈ [0.5, 1).
  f.get(x).i32(23).op("i32x4.shr_u").i32x4(126).op("i32x4.sub");
  f.get(sub).i32x4(25).op("v128.and").op("i32x4.sub");
  f.op("f32x4.convert_i32x4_s").set(e);
  f.get(x).i32x4(0x007fffff).op("v128.and").i32x4(0x3f000000).op("v128.or").set(m);
  // m < √½: use 2m − 1 and e − 1; otherwise m − 1.
  f.get(m).f32x4(Math.SQRT1_2).op("f32x4.lt").set(small);
  f.get(e).f32x4(1).get(small).op("v128.and").op("f32x4.sub").set(e);
  f.get(m).get(m).get(small).op("v128.and").op("f32x4.add").f32x4(1).op("f32x4.sub").set(m);
  const z = f.local("v128");
  f.get(m).get(m).op("f32x4.mul").set(z);
  const p = horner(
    f,
    m,
    [
      3.3333331174e-1, -2.4999993993e-1, 2.0000714765e-1, -1.6668057665e-1, 1.4249322787e-1, -1.242014084e-1,
      1.167699874e-1, -1.151461031e-1, 7.0376836292e-2,
    ],
  );
  const y = f.local("v128");
  // y = m·z·P(m) − 2.12194440e-4·e − z/2; result = m + y + 0.693359375·e
  f.get(p).get(m).op("f32x4.mul").get(z).op("f32x4.mul");
  f.get(e).f32x4(-2.1219444e-4).op("f32x4.mul").op("f32x4.add");
  f.get(z).f32x4(0.5).op("f32x4.mul").op("f32x4.sub");
  f.get(m).op("f32x4.add");
  f.get(e).f32x4(0.693359375).op("f32x4.mul").op("f32x4.add").set(y);
  // log(0) = −∞; log(∞) = ∞; negative or NaN → NaN.
  f.f32x4(Number.NEGATIVE_INFINITY).get(y).get(x0).f32x4(0).op("f32x4.eq").op("v128.bitselect").set(y);
  f.get(x0).get(y).get(x0).f32x4(Number.POSITIVE_INFINITY).op("f32x4.eq").op("v128.bitselect").set(y);
  f.get(y).f32x4(Number.NaN).get(x0).f32x4(0).op("f32x4.ge").op("v128.bitselect").set(y);
  return y;
}

/** sigmoid(x) = 1/(1 + e^−x), as e/(1 + e) for x < 0 and 1/(1 + e) otherwise, e = e^−|x|. */
export function vsigmoid(f: FunctionBuilder, x0: Local): Local {
  const t = f.local("v128");
  f.get(x0).op("f32x4.abs").op("f32x4.neg").set(t);
  const e = vexp(f, t);
  const y = f.local("v128");
  f.get(e).f32x4(1).get(x0).f32x4(0).op("f32x4.lt").op("v128.bitselect");
  f.get(e).f32x4(1).op("f32x4.add").op("f32x4.div").set(y);
  return y;
}

/** tanh(x). */
export function vtanh(f: FunctionBuilder, x0: Local): Local {
  const ax = f.local("v128");
  f.get(x0).op("f32x4.abs").set(ax);
  // |x| < 0.625: x + x·z·P(z), z = x² (Cephes tanhf).
  const z = f.local("v128");
  f.get(x0).get(x0).op("f32x4.mul").set(z);
  const p = horner(
    f,
    z,
    [-3.33332819422e-1, 1.33314422036e-1, -5.37397155531e-2, 2.06390887954e-2, -5.70498872745e-3],
  );
  const small = f.local("v128");
  f.get(p).get(z).op("f32x4.mul").get(x0).op("f32x4.mul").get(x0).op("f32x4.add").set(small);
  // Otherwise 1 − 2/(e^{2|x|} + 1), with the sign of x (e^{2|x|} = ∞ gives exactly 1).
  const two = f.local("v128");
  f.get(ax).get(ax).op("f32x4.add").set(two);
  const e = vexp(f, two);
  const big = f.local("v128");
  f.f32x4(1).f32x4(2).get(e).f32x4(1).op("f32x4.add").op("f32x4.div").op("f32x4.sub");
  f.get(x0).f32x4(-0).op("v128.and").op("v128.or").set(big);
  const y = f.local("v128");
  f.get(small).get(big).get(ax).f32x4(0.625).op("f32x4.lt").op("v128.bitselect").set(y);
  return y;
}

/** Odd polynomial for erf on [0, 1]: erf(x) = x·P(x²) (fitted, relative error 1.2e-9 in exact arithmetic). */
const ERF_SMALL = [
  1.1283791657316455, -0.3761262583704454, 0.11283585243374086, -0.02685381493434605, 0.005188332288415851,
  -0.000801022740857929, 7.853956257089512e-5,
];
/** log(erfc(x)) = Q(x − 2.5) on [1, 4] (fitted, absolute error 1.2e-8 in exact arithmetic). */
const LOG_ERFC = [
  -7.806815278984035, -5.352680688506438, -0.9438936083363477, -0.010858487379597714, 0.0021650814760658665,
  -0.0004201730899084932, 7.745495414246406e-5, -1.3301719767211395e-5, 1.5998112079529392e-6,
];

/** erf(x). */
export function verf(f: FunctionBuilder, x0: Local): Local {
  const ax = f.local("v128");
  f.get(x0).op("f32x4.abs").f32x4(4).op("f32x4.pmin").set(ax);
  const z = f.local("v128");
  f.get(x0).get(x0).op("f32x4.mul").set(z);
  const p = horner(f, z, ERF_SMALL);
  const small = f.local("v128");
  f.get(p).get(x0).op("f32x4.mul").set(small);
  const t = f.local("v128");
  f.get(ax).f32x4(2.5).op("f32x4.sub").set(t);
  const q = horner(f, t, LOG_ERFC);
  const erfc = vexp(f, q);
  const big = f.local("v128");
  f.f32x4(1).get(erfc).op("f32x4.sub").get(x0).f32x4(-0).op("v128.and").op("v128.or").set(big);
  const y = f.local("v128");
  // |x| ≥ 1 (or NaN: the comparison is false and the NaN flows through the first branch) takes `big`.
  f.get(small).get(big).get(x0).op("f32x4.abs").f32x4(1).op("f32x4.lt").op("v128.bitselect").set(y);
  // NaN in, NaN out.
  f.get(y).get(x0).get(x0).get(x0).op("f32x4.eq").op("v128.bitselect").set(y);
  return copy(f, y);
}
