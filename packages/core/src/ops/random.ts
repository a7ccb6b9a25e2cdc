import { type DType, type FloatDType, isFloat } from "../dtype.ts";
import { makeTensor, runPrimitive } from "../engine.ts";
import { DTypeError, ValueError } from "../errors.ts";
import { type RandomKey, resolveKey, splitKey } from "../random/key.ts";
import { philoxWords } from "../random/philox.ts";
import type { Shape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import {
  castTo,
  checkDType,
  checkFiniteNumber,
  checkFloatDType,
  checkInt,
  checkShapeArg,
  describeValue,
  opScope,
  scalarOf,
} from "./util.ts";

/** Where a random op's numbers come from: a seed, a key (e.g. from `splitKey`), or neither for the global stream (`setSeed`). */
export interface RandomOptions {
  seed?: number;
  key?: RandomKey;
}

export interface UniformOptions extends RandomOptions {
  minval?: number;
  maxval?: number;
  /** float32 (default), float64 or int32 (integers in [minval, maxval)). */
  dtype?: DType;
}

export interface NormalOptions extends RandomOptions {
  mean?: number;
  stddev?: number;
  /** float32 (default) or float64. */
  dtype?: DType;
}

export interface BernoulliOptions extends RandomOptions {
  /** bool (default: a mask), or a numeric dtype for 0/1 values. */
  dtype?: DType;
}

function checkOptions(op: string, options: unknown): void {
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new ValueError(`${op}: options must be an object, got ${describeValue(options)}`);
  }
}

/** Uniform [0, 1) numbers of `dtype` under `key` (the primitive; identical on every backend). */
function uniform01(shape: Shape, dtype: FloatDType, key: RandomKey): Tensor {
  return runPrimitive("randomUniform", [], { shape: [...shape], dtype, key });
}

/** Standard normal numbers by Box–Muller: √(−2 ln(1 − u₁))·cos(2π u₂), with u₁, u₂ from two independent keys. */
function standardNormal(shape: Shape, dtype: FloatDType, key: RandomKey): Tensor {
  const [k1, k2] = splitKey(key, 2);
  const c = (v: number) => scalarOf(v, dtype);
  // 1 − u₁ lies in (0, 1], so the logarithm is never taken of 0.
  const oneMinus = runPrimitive("sub", [c(1), uniform01(shape, dtype, k1)], {});
  const radius = runPrimitive(
    "sqrt",
    [runPrimitive("mul", [runPrimitive("log", [oneMinus], {}), c(-2)], {})],
    {},
  );
  const angle = runPrimitive("mul", [uniform01(shape, dtype, k2), c(2 * Math.PI)], {});
  return runPrimitive("mul", [radius, runPrimitive("cos", [angle], {})], {});
}

/** mean + stddev·z. */
function affine(z: Tensor, mean: number, stddev: number): Tensor {
  if (mean === 0 && stddev === 1) return z;
  const scaled = stddev === 1 ? z : runPrimitive("mul", [z, scalarOf(stddev, z.dtype)], {});
  return mean === 0 ? scaled : runPrimitive("add", [scaled, scalarOf(mean, z.dtype)], {});
}

/**
 * Uniform numbers in [minval, maxval) (default [0, 1)). With dtype int32, integers in
 * [minval, maxval). The same seed or key gives the same numbers on every backend.
 */
export function randomUniform(shape: readonly number[], options: UniformOptions = {}): Tensor {
  const op = "randomUniform";
  checkShapeArg(op, "shape", shape);
  checkOptions(op, options);
  const { minval = 0, maxval = 1, dtype = "float32" } = options;
  checkFiniteNumber(op, "minval", minval);
  checkFiniteNumber(op, "maxval", maxval);
  checkDType(op, "dtype", dtype);
  if (!(maxval > minval))
    throw new ValueError(
      `${op}: maxval must be greater than minval, got minval ${minval} and maxval ${maxval}`,
    );
  if (dtype === "bool")
    throw new DTypeError(`${op}: dtype must be float32, float64 or int32, got bool (use bernoulli)`);
  if (dtype === "int32" && (!Number.isInteger(minval) || !Number.isInteger(maxval))) {
    throw new ValueError(
      `${op}: minval and maxval must be integers for dtype int32, got ${minval} and ${maxval}`,
    );
  }
  const key = resolveKey(op, options);
  return opScope(() => {
    const fd: FloatDType = isFloat(dtype) ? dtype : "float32";
    const u = uniform01(shape, fd, key);
    const scaled = minval === 0 && maxval === 1 ? u : affine(u, minval, maxval - minval);
    if (dtype !== "int32") return scaled;
    // floor, then clamp: float rounding of u·(max − min) may land on maxval itself.
    const i = castTo(runPrimitive("floor", [scaled], {}), "int32");
    return runPrimitive("minimum", [i, scalarOf(maxval - 1, "int32")], {});
  });
}

/** Normal numbers with `mean` and `stddev` (Box–Muller on two independent uniform draws). */
export function randomNormal(shape: readonly number[], options: NormalOptions = {}): Tensor {
  const op = "randomNormal";
  checkShapeArg(op, "shape", shape);
  checkOptions(op, options);
  const { mean = 0, stddev = 1, dtype = "float32" } = options;
  checkFiniteNumber(op, "mean", mean);
  checkFiniteNumber(op, "stddev", stddev);
  if (stddev < 0) throw new ValueError(`${op}: stddev must be >= 0, got ${stddev}`);
  checkFloatDType(op, "dtype", dtype);
  const key = resolveKey(op, options);
  return opScope(() => affine(standardNormal(shape, dtype, key), mean, stddev));
}

/** Candidate draws of truncatedNormal; all of them fall outside ±2σ with probability 0.0455⁸ ≈ 2·10⁻¹¹. */
const TRUNCATION_ROUNDS = 8;

/**
 * Normal numbers restricted to [mean − 2·stddev, mean + 2·stddev]: each element is the first of
 * eight independent draws that falls inside (the rare leftover is clipped). The numbers are not
 * rescaled, so their standard deviation is about 0.88·stddev; initializers that want an exact
 * spread divide by that factor themselves.
 */
export function truncatedNormal(shape: readonly number[], options: NormalOptions = {}): Tensor {
  const op = "truncatedNormal";
  checkShapeArg(op, "shape", shape);
  checkOptions(op, options);
  const { mean = 0, stddev = 1, dtype = "float32" } = options;
  checkFiniteNumber(op, "mean", mean);
  checkFiniteNumber(op, "stddev", stddev);
  if (stddev < 0) throw new ValueError(`${op}: stddev must be >= 0, got ${stddev}`);
  checkFloatDType(op, "dtype", dtype);
  const key = resolveKey(op, options);
  return opScope(() => {
    const keys = splitKey(key, TRUNCATION_ROUNDS);
    const two = scalarOf(2, dtype);
    const last = standardNormal(shape, dtype, keys[TRUNCATION_ROUNDS - 1]);
    let z = runPrimitive("minimum", [runPrimitive("maximum", [last, scalarOf(-2, dtype)], {}), two], {});
    for (let r = TRUNCATION_ROUNDS - 2; r >= 0; r--) {
      const candidate = standardNormal(shape, dtype, keys[r]);
      const inside = runPrimitive("lessEqual", [runPrimitive("abs", [candidate], {}), two], {});
      z = runPrimitive("where", [inside, candidate, z], {});
    }
    return affine(z, mean, stddev);
  });
}

/**
 * Coin flips: true with probability `p`. Either `bernoulli(shape, p = 0.5, options)` or
 * `bernoulli(probs, options)` with a tensor of per-element probabilities. The result is a bool mask
 * unless `options.dtype` asks for numbers (0/1).
 */
export function bernoulli(probs: Tensor, options?: BernoulliOptions): Tensor;
export function bernoulli(shape: readonly number[], p?: number, options?: BernoulliOptions): Tensor;
export function bernoulli(
  shapeOrProbs: readonly number[] | Tensor,
  pOrOptions?: number | BernoulliOptions,
  maybeOptions?: BernoulliOptions,
): Tensor {
  const op = "bernoulli";
  let shape: Shape;
  let p: number | Tensor;
  let options: BernoulliOptions;
  if (shapeOrProbs instanceof Tensor) {
    if (!isFloat(shapeOrProbs.dtype))
      throw new DTypeError(`${op}: probs must be float32 or float64, got ${shapeOrProbs.dtype}`);
    if (typeof pOrOptions === "number")
      throw new ValueError(
        `${op}: with a probs tensor, the second argument is the options, got the number ${pOrOptions}`,
      );
    shape = shapeOrProbs.shape;
    p = shapeOrProbs;
    options = pOrOptions ?? {};
  } else {
    checkShapeArg(op, "shape", shapeOrProbs);
    shape = shapeOrProbs;
    p = pOrOptions === undefined ? 0.5 : (pOrOptions as number);
    if (typeof p !== "number" || !(p >= 0 && p <= 1))
      throw new ValueError(`${op}: p must be a number in [0, 1], got ${describeValue(p)}`);
    options = maybeOptions ?? {};
  }
  checkOptions(op, options);
  const dtype = options.dtype ?? "bool";
  checkDType(op, "dtype", dtype);
  const key = resolveKey(op, options);
  return opScope(() => {
    const fd: FloatDType = p instanceof Tensor ? (p.dtype as FloatDType) : "float32";
    const u = uniform01(shape, fd, key);
    const mask = runPrimitive("less", [u, p instanceof Tensor ? p : scalarOf(p, fd)], {});
    return castTo(mask, dtype);
  });
}

/**
 * A random ordering of 0..n−1 (int32), by a Fisher–Yates shuffle on the host driven by Philox
 * words, so it is the same for a seed everywhere.
 */
export function randomPermutation(n: number, options: RandomOptions = {}): Tensor {
  const op = "randomPermutation";
  checkInt(op, "n", n, 0);
  if (n > 2147483647) throw new ValueError(`${op}: n must fit in int32, got ${n}`);
  checkOptions(op, options);
  const key = resolveKey(op, options);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const words = philoxWords(key, 2 * n);
  for (let i = n - 1; i > 0; i--) {
    // 53 random bits make the modulo bias negligible for any n that fits in memory.
    const u = ((words[2 * i] >>> 5) * 67108864 + (words[2 * i + 1] >>> 6)) / 9007199254740992;
    const j = Math.floor(u * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return makeTensor(perm, [n], "int32");
}
