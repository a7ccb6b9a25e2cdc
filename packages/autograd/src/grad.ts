import { DTypeError, ShapeError, Tensor, fmtShape, isFloat, shapesEqual } from "@axon/core";
import { GradientError } from "./errors.ts";
import { add, full, identity, mul, sum } from "./prims.ts";
import { pauseTapes } from "./tape.ts";
import { type GradTree, flattenTree, isTensorCell } from "./tree.ts";
import { type PlaybackOptions, type Selection, gradTrees, playback, runWatched, watch } from "./watch.ts";

/** Options of grad and valueAndGrad. */
export interface GradOptions<N extends number | readonly number[] = number | readonly number[]>
  extends PlaybackOptions {
  /** Which positional arguments to differentiate with respect to: one index (default 0) or several. */
  readonly argnums?: N;
  /** The function returns `[output, aux]`; aux is passed through untouched. */
  readonly hasAux?: boolean;
  /** Differentiate with respect to tensors the function reads from its closure (a tree, cells allowed) instead of arguments. */
  readonly wrt?: unknown;
}

/** The gradient(s) for `argnums`: one tree for a number, a tuple of trees for an array. */
export type GradOf<A extends readonly unknown[], N> = N extends readonly number[]
  ? { -readonly [K in keyof N]: N[K] extends keyof A ? GradTree<A[N[K]]> : never }
  : N extends keyof A
    ? GradTree<A[N]>
    : never;

const OPTION_KEYS = new Set(["argnums", "hasAux", "allowUnused", "allowNonDifferentiable", "wrt"]);

/** An options object (a plain object with only option keys) rather than a tree of tensors to differentiate with respect to. */
function isOptions(x: unknown): boolean {
  if (x === undefined) return true;
  if (
    x === null ||
    typeof x !== "object" ||
    Array.isArray(x) ||
    x instanceof Tensor ||
    x instanceof Map ||
    isTensorCell(x)
  )
    return false;
  if (Object.getPrototypeOf(x) !== Object.prototype) return false;
  return Object.keys(x).every((k) => OPTION_KEYS.has(k));
}

function describe(x: unknown): string {
  if (x !== null && typeof x === "object" && !Array.isArray(x))
    return `an object with keys ${Object.keys(x).join(", ") || "(none)"}`;
  return Array.isArray(x) ? "an array without tensors" : String(x);
}

/** Reads `(wrtOrOptions, options)` in either calling form. */
function readOptions(who: string, second: unknown, third: unknown): GradOptions {
  if (isOptions(second)) {
    if (third !== undefined)
      throw new GradientError(`${who}: expected (f, options) or (f, wrt, options), got an extra argument`);
    return (second ?? {}) as GradOptions;
  }
  if (flattenTree(second, { cells: true }).leaves.length === 0) {
    throw new GradientError(
      `${who}: the second argument must be options (${[...OPTION_KEYS].join(", ")}) or a tree of tensors to differentiate with respect to; got ${describe(second)}`,
    );
  }
  const options = (third ?? {}) as GradOptions;
  if (!isOptions(options)) throw new GradientError(`${who}: the third argument must be an options object`);
  return { ...options, wrt: second };
}

function selectionOf(who: string, options: GradOptions): { selection: Selection; single: boolean } {
  if (options.wrt !== undefined) {
    if (options.argnums !== undefined)
      throw new GradientError(`${who}: give either argnums or wrt, not both`);
    return { selection: { kind: "wrt", tree: options.wrt }, single: true };
  }
  const argnums = options.argnums ?? 0;
  if (typeof argnums === "number") return { selection: { kind: "args", argnums: [argnums] }, single: true };
  if (!Array.isArray(argnums) || argnums.length === 0 || new Set(argnums).size !== argnums.length) {
    throw new GradientError(
      `${who}: argnums must be an argument index or a non-empty array of distinct indices, got ${JSON.stringify(argnums)}`,
    );
  }
  return { selection: { kind: "args", argnums }, single: false };
}

/** The scalar a gradient is taken of, checked. */
function scalarOutput(who: string, out: unknown): Tensor {
  if (!(out instanceof Tensor)) {
    throw new GradientError(
      `${who}: the function must return a scalar tensor${who.includes("Aux") ? "" : " (or [scalar, aux] with hasAux: true)"}, got ${out === null ? "null" : Array.isArray(out) ? "an array" : typeof out}`,
    );
  }
  if (out.size !== 1) {
    throw new ShapeError(
      `${who}: the function must return a scalar to take its gradient, got a tensor of shape ${fmtShape(out.shape)}; ` +
        "reduce it (sum, mean) or use vjp(f, ...) with an explicit cotangent",
    );
  }
  if (!isFloat(out.dtype))
    throw new DTypeError(
      `${who}: the function returned a ${out.dtype} scalar; only float outputs have gradients`,
    );
  return out;
}

/** Runs f on a tape and differentiates its scalar output: the engine of grad and valueAndGrad. */
function valueAndGradImpl(
  who: string,
  f: (...args: any[]) => unknown,
  options: GradOptions,
  args: unknown[],
) {
  const { selection, single } = selectionOf(who, options);
  const w = watch(who, args, selection);
  const raw = runWatched(w, f);
  try {
    let out: unknown = raw;
    let aux: unknown;
    if (options.hasAux) {
      if (!Array.isArray(raw) || raw.length !== 2)
        throw new GradientError(`${who}: with hasAux the function must return [output, aux]`);
      [out, aux] = raw;
    }
    const y = scalarOutput(who, out);
    const grads = playback(who, w, [y], [full(y.shape, 1, y.dtype)], options);
    const trees = gradTrees(w, grads);
    return { value: y, aux, grads: single ? trees[0] : trees };
  } finally {
    w.tape.release();
  }
}

/**
 * The gradient of a scalar-valued function: `grad(f)(x)` is df/dx, with the same structure as x
 * (a tensor, or a tree of tensors such as a model's parameters).
 *
 *     grad((w) => sum(square(w)))(w)                          // 2w
 *     grad((a, b) => sum(mul(a, b)), { argnums: [0, 1] })(a, b) // [b, a]
 *     grad(() => loss(model), params)()                       // with respect to captured tensors
 */
export function grad<A extends unknown[], const N extends number | readonly number[] = 0>(
  f: (...args: A) => Tensor,
  options?: GradOptions<N> & { readonly hasAux?: false; readonly wrt?: undefined },
): (...args: A) => GradOf<A, N>;
export function grad<A extends unknown[], Aux, const N extends number | readonly number[] = 0>(
  f: (...args: A) => readonly [Tensor, Aux],
  options: GradOptions<N> & { readonly hasAux: true; readonly wrt?: undefined },
): (...args: A) => [GradOf<A, N>, Aux];
export function grad<A extends unknown[], W>(
  f: (...args: A) => Tensor,
  options: PlaybackOptions & { readonly wrt: W; readonly hasAux?: false },
): (...args: A) => GradTree<W>;
export function grad<A extends unknown[], W>(
  f: (...args: A) => Tensor,
  wrt: W,
  options?: PlaybackOptions,
): (...args: A) => GradTree<W>;
export function grad(
  f: (...args: any[]) => unknown,
  second?: unknown,
  third?: unknown,
): (...args: any[]) => unknown {
  checkFunction("grad", f);
  const options = readOptions("grad", second, third);
  return (...args: unknown[]) => {
    const r = valueAndGradImpl("grad", f, options, args);
    return options.hasAux ? [r.grads, r.aux] : r.grads;
  };
}

/**
 * Like grad, and also returns the value: `[value, grads]`, or `[[value, aux], grads]` with hasAux.
 * One forward pass serves both.
 */
export function valueAndGrad<A extends unknown[], const N extends number | readonly number[] = 0>(
  f: (...args: A) => Tensor,
  options?: GradOptions<N> & { readonly hasAux?: false; readonly wrt?: undefined },
): (...args: A) => [Tensor, GradOf<A, N>];
export function valueAndGrad<A extends unknown[], Aux, const N extends number | readonly number[] = 0>(
  f: (...args: A) => readonly [Tensor, Aux],
  options: GradOptions<N> & { readonly hasAux: true; readonly wrt?: undefined },
): (...args: A) => [[Tensor, Aux], GradOf<A, N>];
export function valueAndGrad<A extends unknown[], W>(
  f: (...args: A) => Tensor,
  options: PlaybackOptions & { readonly wrt: W; readonly hasAux?: false },
): (...args: A) => [Tensor, GradTree<W>];
export function valueAndGrad<A extends unknown[], W>(
  f: (...args: A) => Tensor,
  wrt: W,
  options?: PlaybackOptions,
): (...args: A) => [Tensor, GradTree<W>];
export function valueAndGrad(
  f: (...args: any[]) => unknown,
  second?: unknown,
  third?: unknown,
): (...args: any[]) => unknown {
  checkFunction("valueAndGrad", f);
  const options = readOptions("valueAndGrad", second, third);
  return (...args: unknown[]) => {
    const r = valueAndGradImpl("valueAndGrad", f, options, args);
    return [options.hasAux ? [r.value, r.aux] : r.value, r.grads];
  };
}

/** A cotangent for each tensor of an output tree (null or omitted = zero). */
export type Cotangent<R> = R extends Tensor
  ? Tensor | null | undefined
  : R extends readonly unknown[]
    ? { [K in keyof R]: Cotangent<R[K]> }
    : R extends object
      ? { [K in keyof R]: Cotangent<R[K]> }
      : null | undefined;

/** Pulls an output cotangent back to the primals: one gradient tree per primal. */
export type VjpFn<A extends readonly unknown[], R> = (cotangent?: Cotangent<R>) => {
  -readonly [K in keyof A]: GradTree<A[K]>;
};

/**
 * Runs `f(...primals)` once and returns its outputs with a function that pulls any cotangent of
 * those outputs back to the primals (a vector-Jacobian product). Outputs may be any tree of
 * tensors; the cotangent has the same structure (omit it for a scalar output to mean 1). The
 * pullback may be called many times; its record is freed when it is dropped.
 */
export function vjp<A extends unknown[], R>(f: (...args: A) => R, ...primals: A): [R, VjpFn<A, R>] {
  checkFunction("vjp", f);
  const argnums = primals.map((_, i) => i);
  if (argnums.length === 0)
    throw new GradientError("vjp: give at least one primal to differentiate with respect to");
  const w = watch("vjp", primals, { kind: "args", argnums });
  const out = runWatched(w, f);
  const outFlat = flattenTree(out);
  const pullback = (cotangent?: unknown): unknown => {
    const cts = cotangentsFor("vjp", out, outFlat.leaves, cotangent);
    return gradTrees(w, playback("vjp", w, outFlat.leaves, cts));
  };
  return [out, pullback as VjpFn<A, R>];
}

/** Checks a cotangent tree against the output tree; a missing cotangent of a scalar output means 1. */
function cotangentsFor(
  who: string,
  out: unknown,
  outs: readonly Tensor[],
  cotangent: unknown,
): (Tensor | null)[] {
  if (cotangent === undefined) {
    if (outs.length === 1 && outs[0].size === 1 && isFloat(outs[0].dtype))
      return [full(outs[0].shape, 1, outs[0].dtype)];
    throw new ShapeError(
      `${who}: a cotangent is required for ${outs.length === 1 ? `an output of shape ${fmtShape(outs[0].shape)}` : `${outs.length} output tensors`}; ` +
        "pass a tree like the output with a tensor of the same shape and dtype per output tensor (null for none)",
    );
  }
  const cts: (Tensor | null)[] = [];
  const walk = (o: unknown, c: unknown, path: string): void => {
    if (o instanceof Tensor) {
      if (c === null || c === undefined) cts.push(null);
      else if (c instanceof Tensor) cts.push(checkCt(who, o, c, path));
      else throw new GradientError(`${who}: the cotangent at '${path || "(root)"}' must be a tensor or null`);
      return;
    }
    const children = childrenOf(o);
    if (!children) return;
    if (c === null || c === undefined) {
      for (const [k, v] of children) walk(v, undefined, `${path}${k}`);
      return;
    }
    const given = childrenOf(c);
    for (const [k, v] of children) walk(v, given?.get(k), `${path}${k}`);
  };
  walk(out, cotangent, "");
  return cts;
}

/** The entries of an array, Map or plain object, keyed by their path step; null for anything else. */
function childrenOf(x: unknown): Map<string, unknown> | null {
  if (Array.isArray(x)) return new Map(x.map((v, i) => [`[${i}]`, v]));
  if (x instanceof Map) return new Map([...x.entries()].map(([k, v]) => [`.get(${String(k)})`, v]));
  if (
    x !== null &&
    typeof x === "object" &&
    !(x instanceof Tensor) &&
    Object.getPrototypeOf(x) === Object.prototype
  ) {
    return new Map(Object.entries(x).map(([k, v]) => [`.${k}`, v]));
  }
  return null;
}

function checkCt(who: string, out: Tensor, ct: Tensor, path: string): Tensor {
  if (!shapesEqual(out.shape, ct.shape) || out.dtype !== ct.dtype) {
    throw new ShapeError(
      `${who}: the cotangent${path ? ` at '${path}'` : ""} must match its output, shape ${fmtShape(out.shape)} and dtype ${out.dtype}; got shape ${fmtShape(ct.shape)} and dtype ${ct.dtype}`,
    );
  }
  return ct;
}

/** Σ ⟨a, b⟩ over the leaves of two trees of the same structure. */
function treeDot(who: string, a: unknown, b: unknown): Tensor {
  const la = flattenTree(a).leaves;
  const lb = flattenTree(b).leaves;
  if (la.length !== lb.length)
    throw new GradientError(
      `${who}: tangents must have the structure of the primals (${la.length} tensors), got ${lb.length}`,
    );
  let total: Tensor | null = null;
  la.forEach((t, i) => {
    if (!shapesEqual(t.shape, lb[i].shape)) {
      throw new ShapeError(
        `${who}: tangent ${i} must have shape ${fmtShape(t.shape)}, got ${fmtShape(lb[i].shape)}`,
      );
    }
    const d = sum(
      mul(t, lb[i]),
      t.shape.map((_, k) => k),
    );
    total = total ? add(total, d) : d;
  });
  return total!;
}

/**
 * The Hessian-vector product H·v of a scalar function at `primals` (one per argument), computed
 * as the gradient of ⟨∇f, v⟩ (reverse over reverse) without forming H. Returns one tree per argument.
 */
export function hvp<A extends unknown[]>(
  f: (...args: A) => Tensor,
  primals: A,
  tangents: { [K in keyof A]: unknown },
): { -readonly [K in keyof A]: GradTree<A[K]> } {
  checkFunction("hvp", f);
  const argnums = primals.map((_, i) => i);
  if (tangents.length !== primals.length)
    throw new GradientError(`hvp: give one tangent per primal (${primals.length}), got ${tangents.length}`);
  const g = grad(f as (...args: unknown[]) => Tensor, { argnums });
  const directional = (...xs: unknown[]) => treeDot("hvp", g(...xs), tangents);
  return grad(directional, { argnums })(...primals) as { -readonly [K in keyof A]: GradTree<A[K]> };
}

/** The same as hvp. */
export const hessianVectorProduct = hvp;

/** Runs `fn` without recording it on any tape active now: its results are constants to them. */
export function noGrad<T>(fn: () => T): T {
  checkFunction("noGrad", fn);
  return pauseTapes(fn);
}

/** The same values with no gradient flowing back: a constant to every tape. Works on trees. */
export function stopGradient<T>(x: T): T {
  const flat = flattenTree(x);
  if (flat.leaves.length === 0) return x;
  return pauseTapes(() => flat.rebuild(flat.leaves.map(identity))) as T;
}

function checkFunction(who: string, f: unknown): void {
  if (typeof f !== "function")
    throw new GradientError(`${who}: expected a function, got ${f === null ? "null" : typeof f}`);
}
