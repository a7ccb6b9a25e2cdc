import { type FunctionBuilder, type Local, ModuleBuilder, type PlainOp } from "./emitter.ts";
import { verf, vexp, vlog, vsigmoid, vtanh } from "./vecmath.ts";

/** Unary float32 functions the generator knows. */
export type UnaryFn =
  | "neg"
  | "abs"
  | "sqrt"
  | "rsqrt"
  | "reciprocal"
  | "floor"
  | "ceil"
  | "round"
  | "square"
  | "relu"
  | "exp"
  | "log"
  | "tanh"
  | "sigmoid"
  | "erf";

/** Binary float32 functions (max and min propagate NaN and order −0 below +0, like Math.max/min). */
export type BinaryFn = "add" | "sub" | "mul" | "div" | "max" | "min";

/** A float32 expression over the kernel's inputs, evaluated per element. */
export type Expr =
  | { readonly op: "input"; readonly index: number }
  | { readonly op: "const"; readonly value: number }
  | { readonly op: "unary"; readonly fn: UnaryFn; readonly x: Expr }
  | { readonly op: "binary"; readonly fn: BinaryFn; readonly a: Expr; readonly b: Expr }
  | { readonly op: "select"; readonly cond: Expr; readonly a: Expr; readonly b: Expr };

/**
 * A fused elementwise kernel: out[r, j] = expr(in_0[r, j], …) over rows × cols, where each input is
 * either contiguous along a row or one value broadcast along it, and every row starts at its own
 * stride. This is the form the graph compiler lowers fused elementwise chains to.
 */
export interface ElementwiseDescription {
  readonly expr: Expr;
  /** Per input: "contiguous" (stride 1 along a row) or "broadcast" (one value per row). */
  readonly inputs: readonly ("contiguous" | "broadcast")[];
}

/**
 * The signature of the generated `run` export:
 * run(out, rows, cols, outRowStride, in_0, in_0RowStride, in_1, …) with byte addresses and byte
 * strides. Rows are independent and every element is computed by the same vector code (the tail
 * runs it on one lane), so any split of rows or columns between threads gives the same bits.
 */
export type ElementwiseFn = (...args: number[]) => void;

const SIMPLE_UNARY: Partial<Record<UnaryFn, PlainOp>> = {
  neg: "f32x4.neg",
  abs: "f32x4.abs",
  sqrt: "f32x4.sqrt",
  floor: "f32x4.floor",
  ceil: "f32x4.ceil",
  round: "f32x4.nearest",
};

const BINARY: Record<BinaryFn, PlainOp> = {
  add: "f32x4.add",
  sub: "f32x4.sub",
  mul: "f32x4.mul",
  div: "f32x4.div",
  max: "f32x4.max",
  min: "f32x4.min",
};

/** Emits `e` on f32x4 lanes; `load(i)` pushes input i's vector. Returns the local holding the result. */
export function emitVector(f: FunctionBuilder, e: Expr, load: (index: number) => void): Local {
  const out = f.local("v128");
  switch (e.op) {
    case "input":
      load(e.index);
      f.set(out);
      return out;
    case "const":
      f.f32x4(e.value).set(out);
      return out;
    case "binary": {
      const a = emitVector(f, e.a, load);
      const b = emitVector(f, e.b, load);
      f.get(a).get(b).op(BINARY[e.fn]).set(out);
      return out;
    }
    case "select": {
      // cond ≠ 0 picks a.
      const c = emitVector(f, e.cond, load);
      const a = emitVector(f, e.a, load);
      const b = emitVector(f, e.b, load);
      f.get(a).get(b).get(c).f32x4(0).op("f32x4.ne").op("v128.bitselect").set(out);
      return out;
    }
    case "unary": {
      const x = emitVector(f, e.x, load);
      const simple = SIMPLE_UNARY[e.fn];
      if (simple) {
        f.get(x).op(simple).set(out);
        return out;
      }
      switch (e.fn) {
        case "rsqrt":
          f.f32x4(1).get(x).op("f32x4.sqrt").op("f32x4.div").set(out);
          return out;
        case "reciprocal":
          f.f32x4(1).get(x).op("f32x4.div").set(out);
          return out;
        case "square":
          f.get(x).get(x).op("f32x4.mul").set(out);
          return out;
        case "relu":
          // max(x, 0) that keeps NaN.
          f.get(x).f32x4(0).op("f32x4.max").set(out);
          return out;
        case "exp":
          return vexp(f, x);
        case "log":
          return vlog(f, x);
        case "tanh":
          return vtanh(f, x);
        case "sigmoid":
          return vsigmoid(f, x);
        case "erf":
          return verf(f, x);
        default:
          throw new Error(`elementwise: unknown unary ${e.fn}`);
      }
    }
  }
}

/** A stable key for the module cache. */
export function elementwiseKey(d: ElementwiseDescription, shared: boolean, maxPages: number): string {
  return `ew:${shared ? "s" : "u"}${maxPages}:${d.inputs.join(",")}:${JSON.stringify(d.expr)}`;
}

export function buildElementwiseModule(
  d: ElementwiseDescription,
  shared: boolean,
  maxPages: number,
): Uint8Array<ArrayBuffer> {
  const n = d.inputs.length;
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 1, maximum: maxPages, shared });
  const params = ["i32", "i32", "i32", "i32", ...d.inputs.flatMap(() => ["i32", "i32"])] as const;
  m.function("run", params as unknown as "i32"[], [], (f) => {
    const out = f.param(0);
    const rows = f.param(1);
    const cols = f.param(2);
    const outStride = f.param(3);
    const base = d.inputs.map((_, i) => f.param(4 + 2 * i));
    const stride = d.inputs.map((_, i) => f.param(5 + 2 * i));
    const r = f.local("i32");
    const j = f.local("i32");
    const vend = f.local("i32");
    const po = f.local("i32");
    const pi = d.inputs.map(() => f.local("i32"));
    const bc = d.inputs.map((kind) => (kind === "broadcast" ? f.local("v128") : null));
    f.get(cols).i32(-4).op("i32.and").set(vend);
    f.for(
      r,
      () => f.i32(0),
      () => f.get(rows),
      1,
      () => {
        f.get(out).get(r).get(outStride).op("i32.mul").op("i32.add").set(po);
        for (let i = 0; i < n; i++) {
          f.get(base[i]).get(r).get(stride[i]).op("i32.mul").op("i32.add").set(pi[i]);
          const b = bc[i];
          if (b) f.get(pi[i]).mem("v128.load32_splat").set(b);
        }
        f.for(
          j,
          () => f.i32(0),
          () => f.get(vend),
          4,
          () => {
            const y = emitVector(f, d.expr, (i) => {
              const b = bc[i];
              if (b) f.get(b);
              else f.get(pi[i]).mem("v128.load", 0, 2);
            });
            f.get(po).get(y).mem("v128.store", 0, 2);
            f.inc(po, 16);
            for (let i = 0; i < n; i++) if (!bc[i]) f.inc(pi[i], 16);
          },
        );
        // Tail: the same vector code on one lane.
        f.for(
          j,
          () => f.get(vend),
          () => f.get(cols),
          1,
          () => {
            const y = emitVector(f, d.expr, (i) => {
              const b = bc[i];
              if (b) f.get(b);
              else f.get(pi[i]).mem("v128.load32_splat");
            });
            f.get(po).get(y).lane("f32x4.extract_lane", 0).mem("f32.store");
            f.inc(po, 4);
            for (let i = 0; i < n; i++) if (!bc[i]) f.inc(pi[i], 4);
          },
        );
      },
    );
  });
  return m.toBytes();
}
