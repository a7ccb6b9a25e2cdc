import {
  DTypeError,
  type FloatDType,
  Tensor,
  ValueError,
  getBackend,
  isFloat,
  makeTensor,
  stridesOf,
  typedArrayFor,
} from "@axon/core";
import { GradientError } from "./errors.ts";
import { releasing } from "./release.ts";
import { flattenTree } from "./tree.ts";
import { playback, runWatched, watch } from "./watch.ts";

/** Options of gradCheck. */
export interface GradCheckOptions {
  /** Step of the central differences (default 1e-6 in float64, 1e-3 in float32). */
  readonly eps?: number;
  /** Passes when the relative difference is at most rtol (default 1e-6 in float64, 1e-2 in float32)… */
  readonly rtol?: number;
  /** …or when no gradient element is off by more than atol (default 1e-9 in float64, 1e-4 in float32). */
  readonly atol?: number;
  /** 'full': every input element (2 evaluations each); 'projection': vᵀJu for random u (2 evaluations per projection). */
  readonly mode?: "full" | "projection";
  /** Number of random directions u in projection mode (default 3). */
  readonly projections?: number;
  /** The dtype inputs are cast to: float64 by default where the backend has it, else float32. */
  readonly dtype?: FloatDType;
  /** Seed of the random output weights v and directions u. */
  readonly seed?: number;
}

/** The element where analytic and numeric gradients differ most. */
export interface GradCheckWorst {
  /** Which input (in `inputs`); -1 in projection mode. */
  readonly input: number;
  /** Its multi-index in that input ([] in projection mode). */
  readonly index: readonly number[];
  readonly analytic: number;
  readonly numeric: number;
  readonly difference: number;
}

export interface GradCheckResult {
  readonly ok: boolean;
  /** ‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂) over all checked inputs (0 when both are zero). */
  readonly relativeDifference: number;
  /** The largest |g − ĝ| of an element (or of a projection). */
  readonly maxAbsDifference: number;
  readonly worst: GradCheckWorst | null;
  /** Analytic and numeric gradients (full mode: per input, null for integer inputs; projection: the projections). */
  readonly analytic: (Float64Array | null)[];
  readonly numeric: (Float64Array | null)[];
  readonly mode: "full" | "projection";
  readonly dtype: FloatDType;
  readonly eps: number;
  readonly rtol: number;
  readonly atol: number;
}

const DEFAULTS: Record<FloatDType, { eps: number; rtol: number; atol: number }> = {
  float64: { eps: 1e-6, rtol: 1e-6, atol: 1e-9 },
  float32: { eps: 1e-3, rtol: 1e-2, atol: 1e-4 },
};

/** A small seeded generator (mulberry32) for the random weights and directions. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [-1, -0.5] ∪ [0.5, 1]: no weight so small that an error could hide behind it. */
const weight = (next: () => number) => (next() < 0.5 ? -1 : 1) * (0.5 + 0.5 * next());

function unravel(flat: number, shape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  return strides.map((s, i) => Math.floor(flat / s) % shape[i]);
}

/**
 * Checks the gradient of `f` at `inputs` against central differences (J(x+ε) − J(x−ε)) / 2ε.
 * A non-scalar output is reduced with fixed random weights v, so the check covers the whole
 * vector-Jacobian product. Integer inputs (indices) are passed through and not checked.
 *
 *     const r = gradCheck((x) => sum(tanh(x)), [x]);   // float64 where the backend has it
 *     r.ok; r.relativeDifference; r.worst;           // { input, index, analytic, numeric, difference }
 */
export function gradCheck(
  f: (...inputs: Tensor[]) => unknown,
  inputs: readonly Tensor[],
  options: GradCheckOptions = {},
): GradCheckResult {
  if (typeof f !== "function") throw new ValueError(`gradCheck: expected a function, got ${typeof f}`);
  if (!Array.isArray(inputs) || inputs.some((t) => !(t instanceof Tensor))) {
    throw new ValueError("gradCheck: inputs must be an array of tensors");
  }
  const backend = getBackend();
  const dtype: FloatDType = options.dtype ?? (backend.dtypes.includes("float64") ? "float64" : "float32");
  if (!backend.dtypes.includes(dtype)) {
    throw new DTypeError(`gradCheck: backend '${backend.name}' has no ${dtype}; pass dtype: 'float32'`);
  }
  const { eps, rtol, atol } = { ...DEFAULTS[dtype], ...options };
  if (!(eps > 0)) throw new ValueError(`gradCheck: eps must be positive, got ${eps}`);
  const mode = options.mode ?? "full";
  if (mode !== "full" && mode !== "projection")
    throw new ValueError(`gradCheck: mode must be 'full' or 'projection', got ${String(mode)}`);
  const next = rng(options.seed ?? 0x5eed);

  // Inputs in the checked dtype, as JS numbers to perturb.
  const checked = inputs.map((t) => isFloat(t.dtype));
  if (!checked.some(Boolean)) throw new GradientError("gradCheck: no float input to check");
  const base = inputs.map((t, i) =>
    checked[i] ? Float64Array.from(t.dataSync() as ArrayLike<number>) : null,
  );
  const make = (i: number, values: Float64Array) => {
    const data = typedArrayFor(dtype, values.length);
    data.set(values);
    return makeTensor(data, inputs[i].shape, dtype);
  };
  const xs = inputs.map((t, i) => (checked[i] ? make(i, base[i]!) : t));

  // The analytic vector-Jacobian product for fixed random output weights v.
  let weights: Float64Array[] = [];
  const analytic = releasing(
    () => {
      const w = watch(
        "gradCheck",
        xs,
        { kind: "args", argnums: xs.map((_, i) => i) },
        { intLeaves: "constant" },
      );
      try {
        const outs = flattenTree(runWatched(w, f)).leaves.filter((t) => isFloat(t.dtype));
        if (outs.length === 0) throw new GradientError("gradCheck: f returned no float tensor");
        weights = outs.map((o) => Float64Array.from({ length: o.size }, () => weight(next)));
        const cts = outs.map((o, k) => {
          const data = typedArrayFor(o.dtype, o.size);
          data.set(weights[k]);
          return makeTensor(data, o.shape, o.dtype);
        });
        const grads = playback("gradCheck", w, outs, cts, { allowNonDifferentiable: true });
        return w.groups.map((g) =>
          g.leafIds[0] === null
            ? null
            : Float64Array.from(grads[g.leafIds[0]].dataSync() as ArrayLike<number>),
        );
      } finally {
        w.tape.release();
      }
    },
    () => [],
  );

  // L(x) = Σ v·f(x), evaluated in the checked dtype and summed in float64.
  const objective = (args: Tensor[]): number =>
    releasing(
      () => {
        const outs = flattenTree(f(...args)).leaves.filter((t) => isFloat(t.dtype));
        let total = 0;
        outs.forEach((o, k) => {
          const v = o.dataSync() as ArrayLike<number>;
          for (let j = 0; j < v.length; j++) total += weights[k][j] * v[j];
        });
        return total;
      },
      () => [],
    );
  // f(x with input i replaced by `values`); the stored (rounded) values are what the step really was.
  const at = (i: number, values: Float64Array): number => {
    const t = make(i, values);
    const args = xs.slice();
    args[i] = t;
    const r = objective(args);
    t.dispose();
    return r;
  };
  const stored = (v: number) => (dtype === "float32" ? Math.fround(v) : v);

  let diff2 = 0;
  let norm2a = 0;
  let norm2n = 0;
  let worst: GradCheckWorst | null = null;
  const note = (input: number, index: number[], a: number, n: number) => {
    const d = Math.abs(a - n);
    diff2 += d * d;
    norm2a += a * a;
    norm2n += n * n;
    if (!worst || d > worst.difference || Number.isNaN(d))
      worst = { input, index, analytic: a, numeric: n, difference: d };
  };
  const numeric: (Float64Array | null)[] = [];
  const analyticOut: (Float64Array | null)[] = [];

  if (mode === "full") {
    base.forEach((x0, i) => {
      if (!x0) {
        numeric.push(null);
        analyticOut.push(null);
        return;
      }
      const g = analytic[i]!;
      const num = new Float64Array(x0.length);
      const x = Float64Array.from(x0);
      for (let j = 0; j < x.length; j++) {
        const plus = stored(x0[j] + eps);
        const minus = stored(x0[j] - eps);
        x[j] = plus;
        const lp = at(i, x);
        x[j] = minus;
        const lm = at(i, x);
        x[j] = x0[j];
        num[j] = (lp - lm) / (plus - minus);
        note(i, unravel(j, inputs[i].shape), g[j], num[j]);
      }
      numeric.push(num);
      analyticOut.push(g);
    });
  } else {
    const count = options.projections ?? 3;
    const a = new Float64Array(count);
    const n = new Float64Array(count);
    for (let p = 0; p < count; p++) {
      // A random direction u over all checked inputs; both sides use the step actually stored.
      const plus: Float64Array[] = [];
      const minus: Float64Array[] = [];
      let directional = 0;
      let moved = false;
      base.forEach((x0, i) => {
        if (!x0) return;
        const hi = new Float64Array(x0.length);
        const lo = new Float64Array(x0.length);
        for (let j = 0; j < x0.length; j++) {
          const u = weight(next);
          hi[j] = stored(x0[j] + eps * u);
          lo[j] = stored(x0[j] - eps * u);
          directional += analytic[i]![j] * (hi[j] - lo[j]);
          moved ||= hi[j] !== lo[j];
        }
        plus[i] = hi;
        minus[i] = lo;
      });
      const side = (vals: Float64Array[]) => {
        const args = xs.map((t, i) => (base[i] ? make(i, vals[i]) : t));
        const r = objective(args);
        args.forEach((t, i) => {
          if (base[i]) t.dispose();
        });
        return r;
      };
      // A step below the dtype's resolution leaves every input where it was: nothing is measured,
      // and 0 = 0 must not pass as agreement (NaN fails the check, as in full mode).
      a[p] = moved ? directional / (2 * eps) : Number.NaN;
      n[p] = moved ? (side(plus) - side(minus)) / (2 * eps) : Number.NaN;
      note(-1, [p], a[p], n[p]);
    }
    analyticOut.push(a);
    numeric.push(n);
  }
  xs.forEach((t, i) => {
    if (checked[i]) t.dispose();
  });

  const denom = Math.sqrt(norm2a) + Math.sqrt(norm2n);
  const relativeDifference =
    denom === 0 ? (diff2 === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.sqrt(diff2) / denom;
  const maxAbsDifference = (worst as GradCheckWorst | null)?.difference ?? 0;
  const ok = Number.isFinite(relativeDifference) && (relativeDifference <= rtol || maxAbsDifference <= atol);
  return {
    ok,
    relativeDifference,
    maxAbsDifference,
    worst,
    analytic: analyticOut,
    numeric,
    mode,
    dtype,
    eps,
    rtol,
    atol,
  };
}
