import type { DType } from "@axon/core";
import type { FunctionBuilder, Local, PlainOp } from "./emitter.ts";
import type { BinaryFn, CompareFn, Expr, UnaryFn } from "./expr.ts";
import { verf, vexp, vlog, vsigmoid, vtanh } from "./vecmath.ts";

/**
 * A block of 4·quads elements of one dtype held in v128 locals: float32 and int32 as one vector
 * per four elements, float64 as two f64x2 vectors per four elements, bool as i32x4 masks (all ones
 * for true) per four elements. Every operation works lane by lane, so an element gets the same bits
 * whether it is computed in a full block or alone in lane 0 of a tail.
 */
export interface Value {
  readonly dtype: DType;
  readonly parts: readonly Local[];
}

/** v128 locals a value of `dtype` needs for 4·quads elements. */
export function partsOf(dtype: DType, quads: number): number {
  return dtype === "float64" ? 2 * quads : quads;
}

/** Bytes of one element in memory. */
export function elementBytes(dtype: DType): number {
  return dtype === "float64" ? 8 : dtype === "bool" ? 1 : 4;
}

export interface EmitContext {
  readonly f: FunctionBuilder;
  /** Elements per block / 4. */
  readonly quads: number;
  /** Input i's value for the current block (emitting its loads when first asked). */
  readonly input: (index: number) => Value;
}

const ALIGN: Record<DType, number> = { float32: 2, int32: 2, float64: 3, bool: 0 };

/** Lanes 0–1 of a and 0–1 of b as 32-bit halves: narrows two f64x2 masks or conversions to one i32x4. */
const LOW_HALVES = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
/** The low 8 bytes of a then the low 8 bytes of b. */
const LOW_LOW = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
/** The high 8 bytes of a, twice. */
const HIGH_TO_LOW = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
/** i32 lanes 0,0,1,1 and 2,2,3,3: widens an i32x4 mask to two 64-bit masks. */
const WIDEN_LOW = [0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7];
const WIDEN_HIGH = [8, 9, 10, 11, 8, 9, 10, 11, 12, 13, 14, 15, 12, 13, 14, 15];

function fresh(f: FunctionBuilder): Local {
  return f.local("v128");
}

/** A vector constant with `value` in every lane of `dtype` (bool: all ones for nonzero). */
function constant(f: FunctionBuilder, dtype: DType, value: number): Local {
  const l = fresh(f);
  if (dtype === "float32") f.f32x4(value);
  else if (dtype === "float64") f.f64x2(value);
  else if (dtype === "int32") f.i32x4(value);
  else f.i32x4(value !== 0 ? -1 : 0);
  f.set(l);
  return l;
}

function repeat(dtype: DType, quads: number, l: Local): Value {
  return { dtype, parts: Array.from({ length: partsOf(dtype, quads) }, () => l) };
}

/** Applies `emit` (operands already pushed) to each part, collecting fresh locals. */
function mapParts(f: FunctionBuilder, dtype: DType, operands: readonly Value[], emit: () => void): Value {
  const n = operands[0].parts.length;
  const parts: Local[] = [];
  for (let p = 0; p < n; p++) {
    for (const o of operands) f.get(o.parts[p]);
    emit();
    const l = fresh(f);
    f.set(l);
    parts.push(l);
  }
  return { dtype, parts };
}

/** Two f64x2 results per four elements → one i32x4 of their low 32-bit halves (masks, int32). */
function narrowPairs(f: FunctionBuilder, parts: readonly Local[], each: PlainOp | null): Local[] {
  const out: Local[] = [];
  for (let q = 0; q < parts.length / 2; q++) {
    f.get(parts[2 * q]);
    if (each) f.op(each);
    f.get(parts[2 * q + 1]);
    if (each) f.op(each);
    f.shuffle(each === null ? LOW_HALVES : LOW_LOW);
    const l = fresh(f);
    f.set(l);
    out.push(l);
  }
  return out;
}

/** One i32x4 mask per four elements → two 64-bit masks (for selecting float64 parts). */
function widenMasks(f: FunctionBuilder, masks: readonly Local[]): Local[] {
  const out: Local[] = [];
  for (const m of masks) {
    for (const lanes of [WIDEN_LOW, WIDEN_HIGH]) {
      f.get(m).get(m).shuffle(lanes);
      const l = fresh(f);
      f.set(l);
      out.push(l);
    }
  }
  return out;
}

/** Each i32x4 (or f32x4) part → two f64x2 parts via `convert` of its low and high halves. */
function widenPairs(f: FunctionBuilder, parts: readonly Local[], convert: PlainOp): Local[] {
  const out: Local[] = [];
  for (const x of parts) {
    const lo = fresh(f);
    const hi = fresh(f);
    f.get(x).op(convert).set(lo);
    f.get(x).get(x).shuffle(HIGH_TO_LOW).op(convert).set(hi);
    out.push(lo, hi);
  }
  return out;
}

/** Masks (one i32x4 per four elements) that are true where `v` is nonzero (NaN counts as nonzero). */
export function truth(f: FunctionBuilder, v: Value): Local[] {
  switch (v.dtype) {
    case "bool":
      return [...v.parts];
    case "float32":
      return [...mapParts(f, "bool", [v], () => f.f32x4(0).op("f32x4.ne")).parts];
    case "int32":
      return [...mapParts(f, "bool", [v], () => f.i32x4(0).op("i32x4.ne")).parts];
    case "float64": {
      const m = mapParts(f, "float64", [v], () => f.f64x2(0).op("f64x2.ne"));
      return narrowPairs(f, m.parts, null);
    }
  }
}

const F32_UNARY: Partial<Record<UnaryFn, PlainOp>> = {
  neg: "f32x4.neg",
  abs: "f32x4.abs",
  sqrt: "f32x4.sqrt",
  floor: "f32x4.floor",
  ceil: "f32x4.ceil",
  round: "f32x4.nearest",
};
const F64_UNARY: Partial<Record<UnaryFn, PlainOp>> = {
  neg: "f64x2.neg",
  abs: "f64x2.abs",
  sqrt: "f64x2.sqrt",
  floor: "f64x2.floor",
  ceil: "f64x2.ceil",
  round: "f64x2.nearest",
};
const VECMATH: Partial<Record<UnaryFn, (f: FunctionBuilder, x: Local) => Local>> = {
  exp: vexp,
  log: vlog,
  tanh: vtanh,
  sigmoid: vsigmoid,
  erf: verf,
};

function unary(f: FunctionBuilder, fn: UnaryFn, x: Value): Value {
  const t = x.dtype;
  const each = (emit: () => void) => mapParts(f, t, [x], emit);
  if (fn === "not") return each(() => f.op("v128.not"));
  if (t === "int32") {
    switch (fn) {
      case "neg":
        return each(() => f.op("i32x4.neg"));
      case "abs":
        return each(() => f.op("i32x4.abs"));
      case "square":
        return mapParts(f, t, [x, x], () => f.op("i32x4.mul"));
      case "relu":
        return each(() => f.i32x4(0).op("i32x4.max_s"));
    }
    throw new Error(`elementwise: unary ${fn} does not take int32`);
  }
  const f64 = t === "float64";
  const simple = (f64 ? F64_UNARY : F32_UNARY)[fn];
  if (simple) return each(() => f.op(simple));
  const [one, zero, div, sqrt, mul, max] = f64
    ? ([1, 0, "f64x2.div", "f64x2.sqrt", "f64x2.mul", "f64x2.max"] as const)
    : ([1, 0, "f32x4.div", "f32x4.sqrt", "f32x4.mul", "f32x4.max"] as const);
  const splat = (v: number) => (f64 ? f.f64x2(v) : f.f32x4(v));
  switch (fn) {
    case "rsqrt":
      return each(() => {
        const x0 = fresh(f);
        f.set(x0);
        splat(one).get(x0).op(sqrt).op(div);
      });
    case "reciprocal":
      return each(() => {
        const x0 = fresh(f);
        f.set(x0);
        splat(one).get(x0).op(div);
      });
    case "square":
      return mapParts(f, t, [x, x], () => f.op(mul));
    case "relu":
      // max(x, 0), which keeps NaN.
      return each(() => splat(zero).op(max));
  }
  const approx = VECMATH[fn];
  if (approx && !f64) return { dtype: t, parts: x.parts.map((p) => approx(f, p)) };
  throw new Error(`elementwise: unary ${fn} does not take ${t}`);
}

const BINARY_OPS: Record<"float32" | "float64" | "int32", Partial<Record<BinaryFn, PlainOp>>> = {
  float32: {
    add: "f32x4.add",
    sub: "f32x4.sub",
    mul: "f32x4.mul",
    div: "f32x4.div",
    max: "f32x4.max",
    min: "f32x4.min",
  },
  float64: {
    add: "f64x2.add",
    sub: "f64x2.sub",
    mul: "f64x2.mul",
    div: "f64x2.div",
    max: "f64x2.max",
    min: "f64x2.min",
  },
  int32: { add: "i32x4.add", sub: "i32x4.sub", mul: "i32x4.mul", max: "i32x4.max_s", min: "i32x4.min_s" },
};

function binary(f: FunctionBuilder, fn: BinaryFn, a: Value, b: Value): Value {
  const t = a.dtype;
  const op =
    t === "bool" ? (fn === "and" ? "v128.and" : fn === "or" ? "v128.or" : undefined) : BINARY_OPS[t][fn];
  if (!op) throw new Error(`elementwise: binary ${fn} does not take ${t}`);
  return mapParts(f, t, [a, b], () => f.op(op));
}

const COMPARE_OPS: Record<DType, Record<CompareFn, PlainOp>> = {
  float32: {
    equal: "f32x4.eq",
    notEqual: "f32x4.ne",
    less: "f32x4.lt",
    lessEqual: "f32x4.le",
    greater: "f32x4.gt",
    greaterEqual: "f32x4.ge",
  },
  float64: {
    equal: "f64x2.eq",
    notEqual: "f64x2.ne",
    less: "f64x2.lt",
    lessEqual: "f64x2.le",
    greater: "f64x2.gt",
    greaterEqual: "f64x2.ge",
  },
  int32: {
    equal: "i32x4.eq",
    notEqual: "i32x4.ne",
    less: "i32x4.lt_s",
    lessEqual: "i32x4.le_s",
    greater: "i32x4.gt_s",
    greaterEqual: "i32x4.ge_s",
  },
  // Masks are all ones for true: unsigned order puts true above false, as 1 > 0.
  bool: {
    equal: "i32x4.eq",
    notEqual: "i32x4.ne",
    less: "i32x4.lt_u",
    lessEqual: "i32x4.le_u",
    greater: "i32x4.gt_u",
    greaterEqual: "i32x4.ge_u",
  },
};

function compare(f: FunctionBuilder, fn: CompareFn, a: Value, b: Value): Value {
  const r = mapParts(f, a.dtype, [a, b], () => f.op(COMPARE_OPS[a.dtype][fn]));
  return { dtype: "bool", parts: a.dtype === "float64" ? narrowPairs(f, r.parts, null) : r.parts };
}

function select(f: FunctionBuilder, cond: Value, a: Value, b: Value): Value {
  let masks = truth(f, cond);
  if (a.dtype === "float64") masks = widenMasks(f, masks);
  const m = { dtype: "bool" as const, parts: masks };
  return mapParts(f, a.dtype, [a, b, m], () => f.op("v128.bitselect"));
}

/** Conversion with kernels/cast.ts's semantics: to bool is x ≠ 0; float → int32 truncates, NaN → 0, saturates. */
function cast(f: FunctionBuilder, x: Value, to: DType): Value {
  const from = x.dtype;
  if (from === to) return x;
  if (to === "bool") return { dtype: "bool", parts: truth(f, x) };
  if (from === "bool") {
    // A mask ANDed with the bits of 1 in the target type.
    const masks = to === "float64" ? widenMasks(f, x.parts) : [...x.parts];
    const one = constant(f, to, 1);
    const r = mapParts(f, to, [{ dtype: "bool", parts: masks }], () => f.get(one).op("v128.and"));
    return r;
  }
  if (from === "float32" && to === "float64")
    return { dtype: to, parts: widenPairs(f, x.parts, "f64x2.promote_low_f32x4") };
  if (from === "int32" && to === "float64")
    return { dtype: to, parts: widenPairs(f, x.parts, "f64x2.convert_low_i32x4_s") };
  if (from === "float64" && to === "float32")
    return { dtype: to, parts: narrowPairs(f, x.parts, "f32x4.demote_f64x2_zero") };
  if (from === "float64" && to === "int32")
    return { dtype: to, parts: narrowPairs(f, x.parts, "i32x4.trunc_sat_f64x2_s_zero") };
  if (from === "int32" && to === "float32") return mapParts(f, to, [x], () => f.op("f32x4.convert_i32x4_s"));
  if (from === "float32" && to === "int32")
    return mapParts(f, to, [x], () => f.op("i32x4.trunc_sat_f32x4_s"));
  throw new Error(`elementwise: no cast from ${from} to ${to}`);
}

/** Emits `e` for one block and returns its value. */
export function emitValue(ctx: EmitContext, e: Expr): Value {
  const { f } = ctx;
  switch (e.op) {
    case "input":
      return ctx.input(e.index);
    case "const": {
      const t = e.dtype ?? "float32";
      return repeat(t, ctx.quads, constant(f, t, e.value));
    }
    case "unary":
      return unary(f, e.fn, emitValue(ctx, e.x));
    case "binary":
      return binary(f, e.fn, emitValue(ctx, e.a), emitValue(ctx, e.b));
    case "compare":
      return compare(f, e.fn, emitValue(ctx, e.a), emitValue(ctx, e.b));
    case "select": {
      const c = emitValue(ctx, e.cond);
      return select(f, c, emitValue(ctx, e.a), emitValue(ctx, e.b));
    }
    case "cast":
      return cast(f, emitValue(ctx, e.x), e.dtype);
  }
}

/** Sign extensions taking byte masks 0–3, 4–7, 8–11 and 12–15 to i32x4 masks. */
const EXTEND_BYTES = [
  ["i16x8.extend_low_i8x16_s", "i32x4.extend_low_i16x8_s"],
  ["i16x8.extend_low_i8x16_s", "i32x4.extend_high_i16x8_s"],
  ["i16x8.extend_high_i8x16_s", "i32x4.extend_low_i16x8_s"],
  ["i16x8.extend_high_i8x16_s", "i32x4.extend_high_i16x8_s"],
] as const;

/** Loads 4·quads consecutive elements of `dtype` from the address in `ptr`. */
export function loadBlock(f: FunctionBuilder, dtype: DType, ptr: Local, quads: number): Value {
  if (dtype !== "bool") {
    const parts: Local[] = [];
    for (let p = 0; p < partsOf(dtype, quads); p++) {
      const l = fresh(f);
      f.get(ptr)
        .mem("v128.load", 16 * p, ALIGN[dtype])
        .set(l);
      parts.push(l);
    }
    return { dtype, parts };
  }
  // Bytes → byte masks → sign-extended to 16 then 32 bits.
  const bytes = fresh(f);
  f.get(ptr);
  if (quads === 4) f.mem("v128.load", 0, 0);
  else if (quads === 1) f.mem("v128.load32_zero", 0, 0);
  else throw new Error("elementwise: bool blocks hold 4 or 16 elements");
  f.v128(new Uint8Array(16)).op("i8x16.ne").set(bytes);
  const parts = EXTEND_BYTES.slice(0, quads).map(([to16, to32]) => {
    const l = fresh(f);
    f.get(bytes).op(to16).op(to32).set(l);
    return l;
  });
  return { dtype, parts };
}

/** One element of `dtype` at the address in `ptr`, in every lane (4·quads elements). */
export function loadSplat(f: FunctionBuilder, dtype: DType, ptr: Local, quads: number): Value {
  const l = fresh(f);
  f.get(ptr);
  if (dtype === "float64") f.mem("v128.load64_splat");
  else if (dtype === "bool") f.mem("v128.load8_splat").i32x4(0).op("i32x4.ne");
  else f.mem("v128.load32_splat");
  f.set(l);
  return repeat(dtype, quads, l);
}

/** Stores a block of 4·quads elements at the address in `ptr` (bool as 0/1 bytes). */
export function storeBlock(f: FunctionBuilder, v: Value, ptr: Local, quads: number): void {
  if (v.dtype !== "bool") {
    v.parts.forEach((p, i) => {
      f.get(ptr)
        .get(p)
        .mem("v128.store", 16 * i, ALIGN[v.dtype]);
    });
    return;
  }
  const [a, b, c, d] = quads === 4 ? v.parts : [v.parts[0], v.parts[0], v.parts[0], v.parts[0]];
  f.get(ptr);
  f.get(a).get(b).op("i16x8.narrow_i32x4_s");
  f.get(c).get(d).op("i16x8.narrow_i32x4_s");
  f.op("i8x16.narrow_i16x8_s");
  f.v128(new Uint8Array(16).fill(1)).op("v128.and");
  if (quads === 4) f.mem("v128.store", 0, 0);
  else if (quads === 1) f.lane("i32x4.extract_lane", 0).mem("i32.store", 0, 0);
  else throw new Error("elementwise: bool blocks hold 4 or 16 elements");
}

/** Stores lane 0 (the first element) of `v` at the address in `ptr`. */
export function storeFirst(f: FunctionBuilder, v: Value, ptr: Local): void {
  f.get(ptr).get(v.parts[0]);
  switch (v.dtype) {
    case "float32":
      f.lane("f32x4.extract_lane", 0).mem("f32.store");
      return;
    case "float64":
      f.lane("f64x2.extract_lane", 0).mem("f64.store");
      return;
    case "int32":
      f.lane("i32x4.extract_lane", 0).mem("i32.store");
      return;
    case "bool":
      f.lane("i32x4.extract_lane", 0).i32(1).op("i32.and").mem("i32.store8");
      return;
  }
}
