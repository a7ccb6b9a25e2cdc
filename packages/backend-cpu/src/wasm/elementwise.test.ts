import { type DType, typedArrayFor } from "@axon/core";
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../backend.ts";
import { valuesFor } from "../fast/testing.ts";
import type { Expr } from "./elementwise.ts";
import { exprDType } from "./expr.ts";
import { elementBytes } from "./lanes.ts";

// The typed expression generator on its own: fused expressions over several dtypes, run as a grid
// whose outer axes each input reads with its own strides (a transposed read, a broadcast row),
// against the same expression evaluated element by element in JavaScript.
const rt = new CpuBackend({ threads: 1 }).runtime!;

/** kernels/cast.ts's conversion of one value. */
function convert(x: number, to: DType): number {
  if (to === "bool") return x !== 0 ? 1 : 0;
  if (to === "int32")
    return Number.isNaN(x)
      ? 0
      : x <= -2147483648
        ? -2147483648
        : x >= 2147483647
          ? 2147483647
          : Math.trunc(x) | 0;
  return to === "float32" ? Math.fround(x) : x;
}

/** The value of `e` for one element, with each operation rounded to its dtype. */
function evaluate(e: Expr, inputs: readonly number[], dtypes: readonly DType[]): number {
  const t = exprDType(e, dtypes);
  const round = (v: number) => (t === "float32" ? Math.fround(v) : t === "int32" ? v | 0 : v);
  const ev = (x: Expr) => evaluate(x, inputs, dtypes);
  switch (e.op) {
    case "input":
      return inputs[e.index];
    case "const":
      return convert(e.value, t);
    case "unary": {
      const x = ev(e.x);
      if (e.fn === "neg") return round(-x);
      if (e.fn === "abs") return round(Math.abs(x));
      if (e.fn === "not") return x === 0 ? 1 : 0;
      if (e.fn === "square") return t === "int32" ? Math.imul(x, x) : round(x * x);
      throw new Error(`no reference for ${e.fn}`);
    }
    case "binary": {
      const [a, b] = [ev(e.a), ev(e.b)];
      if (e.fn === "add") return round(a + b);
      if (e.fn === "sub") return round(a - b);
      if (e.fn === "mul") return t === "int32" ? Math.imul(a, b) : round(a * b);
      if (e.fn === "div") return round(a / b);
      if (e.fn === "max") return Math.max(a, b);
      if (e.fn === "min") return Math.min(a, b);
      if (e.fn === "and") return a !== 0 && b !== 0 ? 1 : 0;
      return a !== 0 || b !== 0 ? 1 : 0;
    }
    case "compare": {
      const [a, b] = [ev(e.a), ev(e.b)];
      const r = {
        equal: a === b,
        notEqual: a !== b,
        less: a < b,
        lessEqual: a <= b,
        greater: a > b,
        greaterEqual: a >= b,
      };
      return r[e.fn] ? 1 : 0;
    }
    case "select":
      return ev(e.cond) !== 0 ? ev(e.a) : ev(e.b);
    case "cast":
      return convert(ev(e.x), e.dtype);
  }
}

const IN = (index: number): Expr => ({ op: "input", index });

const EXPRESSIONS: { name: string; expr: Expr; dtypes: DType[] }[] = [
  {
    name: "where(float32(i) > x, 2x, float32(i + 7))",
    dtypes: ["int32", "float32", "bool"],
    expr: {
      op: "select",
      cond: { op: "compare", fn: "greater", a: { op: "cast", dtype: "float32", x: IN(0) }, b: IN(1) },
      a: { op: "binary", fn: "mul", a: IN(1), b: { op: "const", value: 2 } },
      b: {
        op: "cast",
        dtype: "float32",
        x: { op: "binary", fn: "add", a: IN(0), b: { op: "const", value: 7, dtype: "int32" } },
      },
    },
  },
  {
    name: "(a ≤ 0.5) and not c, in float64",
    dtypes: ["float64", "float64", "bool"],
    expr: {
      op: "binary",
      fn: "and",
      a: { op: "compare", fn: "lessEqual", a: IN(0), b: { op: "const", value: 0.5, dtype: "float64" } },
      b: { op: "unary", fn: "not", x: IN(2) },
    },
  },
  {
    name: "int32(c ? a : −b²) with float64 a, b",
    dtypes: ["float64", "float64", "bool"],
    expr: {
      op: "cast",
      dtype: "int32",
      x: {
        op: "select",
        cond: IN(2),
        a: IN(0),
        b: { op: "unary", fn: "neg", x: { op: "unary", fn: "square", x: IN(1) } },
      },
    },
  },
  {
    name: "float64(x) / float64(i) − min(x, 1), float32 result",
    dtypes: ["float32", "int32", "bool"],
    expr: {
      op: "cast",
      dtype: "float32",
      x: {
        op: "binary",
        fn: "sub",
        a: {
          op: "binary",
          fn: "div",
          a: { op: "cast", dtype: "float64", x: IN(0) },
          b: { op: "cast", dtype: "float64", x: IN(1) },
        },
        b: {
          op: "cast",
          dtype: "float64",
          x: { op: "binary", fn: "min", a: IN(0), b: { op: "const", value: 1 } },
        },
      },
    },
  },
];

describe("elementwise generator (typed expressions over a strided grid)", () => {
  it.each(EXPRESSIONS)("$name", ({ expr, dtypes }) => {
    // out [A, B, C] with C the vector axis; input 0 is stored [B, A, C] (a transposed read of the
    // outer axes), input 1 is [A, B] broadcast along C, input 2 is [C] broadcast along A and B.
    const [A, B, C] = [3, 5, 37];
    const outType = exprDType(expr, dtypes);
    const d = { expr, inputs: ["contiguous", "broadcast", "contiguous"] as const, dtypes };
    const kernel = rt.elementwise(d);
    const sizes = [B * A * C, A * B, C];
    const values = dtypes.map((t, i) => valuesFor(t, 40 + i, sizes[i]));
    const bufs = dtypes.map((t, i) => {
      const b = rt.newBuffer(t, sizes[i]);
      const arr = typedArrayFor(t, sizes[i]);
      values[i].forEach((v, k) => {
        arr[k] = v;
      });
      b.data.set(arr);
      return b;
    });
    const elementStrides = [
      [C, A * C],
      [B, 1],
      [0, 0],
    ];
    const table = rt.heap.alloc(4 * 10);
    rt.heap
      .i32(table, 8)
      .set([A, B, ...elementStrides.flatMap((s, i) => s.map((x) => x * elementBytes(dtypes[i])))]);
    const out = rt.newBuffer(outType, A * B * C);
    // Rows 1–13 of 15, columns 3–36: a thread's share, odometer started mid-way.
    kernel.fn(out.ptr, C, 2, table, table + 32, 1, 14, 3, C, ...bufs.map((b) => b.ptr));
    const stored = bufs.map((b) => b.data);
    const got = out.data;
    for (let a = 0; a < A; a++)
      for (let b = 0; b < B; b++)
        for (let c = 3; c < C; c++) {
          const row = a * B + b;
          if (row < 1 || row >= 14) continue;
          const x = [stored[0][(b * A + a) * C + c], stored[1][a * B + b], stored[2][c]];
          const want = convert(evaluate(expr, x, dtypes), outType);
          const v = got[row * C + c];
          if (!Object.is(v, want) && !(Number.isNaN(v) && Number.isNaN(want)))
            expect.fail(`[${a},${b},${c}]: ${v}, expected ${want} from ${x.join(", ")}`);
        }
    rt.heap.free(table);
    for (const b of [...bufs, out]) b.release();
  });

  it("rejects operand dtypes an operation does not take, naming it", () => {
    const bad: Expr = { op: "binary", fn: "div", a: IN(0), b: IN(0) };
    expect(() => rt.elementwise({ expr: bad, inputs: ["contiguous"], dtypes: ["int32"] })).toThrow(
      "elementwise: binary div does not take int32",
    );
    const mixed: Expr = { op: "binary", fn: "add", a: IN(0), b: IN(1) };
    expect(() =>
      rt.elementwise({ expr: mixed, inputs: ["contiguous", "contiguous"], dtypes: ["float32", "int32"] }),
    ).toThrow("elementwise: add needs operands of one dtype, got float32 and int32");
  });
});
