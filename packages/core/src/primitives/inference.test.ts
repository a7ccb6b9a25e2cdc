import { describe, expect, it } from "vitest";
import { DTYPES, type DType } from "../dtype.ts";
import { type AxonError, DTypeError, ShapeError, ValueError } from "../errors.ts";
import {
  ARG_REDUCE_PRIMS,
  BINARY_PRIMS,
  COMPARE_PRIMS,
  FLOAT_UNARY_PRIMS,
  LOGICAL_PRIMS,
  PRIMITIVES,
  PRIM_NAMES,
  type PrimName,
  REDUCE_PRIMS,
  type TensorSpec,
  UNARY_PRIMS,
  conv2dOutShape,
  poolOutShape,
  windowOutSize,
} from "./index.ts";

type Spec = [number[], DType];

function specs(list: readonly Spec[]): TensorSpec[] {
  return list.map(([shape, dtype]) => ({ shape, dtype }));
}

/** Runs one primitive's inference directly, without a backend. */
function infer(prim: PrimName, inputs: readonly Spec[], attrs: object = {}): TensorSpec {
  return (PRIMITIVES[prim].infer as (i: readonly TensorSpec[], a: object) => TensorSpec)(
    specs(inputs),
    attrs,
  );
}

function expectOut(
  prim: PrimName,
  inputs: readonly Spec[],
  attrs: object,
  shape: number[],
  dtype: DType,
): void {
  const out = infer(prim, inputs, attrs);
  expect(out.shape, `${prim} shape`).toEqual(shape);
  expect(out.dtype, `${prim} dtype`).toBe(dtype);
}

function expectFail(
  prim: PrimName,
  inputs: readonly Spec[],
  attrs: object,
  cls: typeof AxonError,
  re: RegExp,
): void {
  let caught: unknown;
  try {
    infer(prim, inputs, attrs);
  } catch (e) {
    caught = e;
  }
  expect(caught, `${prim} should throw ${cls.name} matching ${re}`).toBeInstanceOf(cls);
  expect((caught as Error).message).toMatch(re);
}

const conv = (
  strides = [1, 1],
  padding = [
    [0, 0],
    [0, 0],
  ],
  dilations = [1, 1],
) => ({ strides, padding, dilations });
const pool = (
  filterSize = [2, 2],
  strides = [2, 2],
  padding = [
    [0, 0],
    [0, 0],
  ],
) => ({ filterSize, strides, padding });

describe("the primitive table", () => {
  it("names every primitive after its key, with the right arity", () => {
    for (const p of PRIM_NAMES) expect(PRIMITIVES[p].name).toBe(p);
    const families = [
      ...UNARY_PRIMS,
      ...BINARY_PRIMS,
      ...COMPARE_PRIMS,
      ...LOGICAL_PRIMS,
      ...REDUCE_PRIMS,
      ...ARG_REDUCE_PRIMS,
    ];
    for (const p of families) expect(PRIM_NAMES).toContain(p);
    for (const p of UNARY_PRIMS) expect(PRIMITIVES[p].arity).toBe(1);
    for (const p of [...BINARY_PRIMS, ...COMPARE_PRIMS, ...LOGICAL_PRIMS])
      expect(PRIMITIVES[p].arity).toBe(2);
    expect(PRIMITIVES.where.arity).toBe(3);
    expect(PRIMITIVES.concat.arity).toBe("variadic");
    expect(PRIMITIVES.randomUniform.arity).toBe(0);
    expect(PRIMITIVES.avgPoolBackward.arity).toBe(1);
    expect(PRIMITIVES.maxPoolBackward.arity).toBe(2);
    expect(new Set(PRIM_NAMES).size).toBe(PRIM_NAMES.length);
    const others = [
      "where",
      "cast",
      "reshape",
      "transpose",
      "broadcastTo",
      "slice",
      "pad",
      "concat",
      "gather",
      "scatterAdd",
      "matmul",
    ];
    const windows = [
      "conv2d",
      "conv2dBackpropInput",
      "conv2dBackpropFilter",
      "maxPool",
      "maxPoolBackward",
      "avgPool",
      "avgPoolBackward",
      "randomUniform",
    ];
    expect([...PRIM_NAMES].sort()).toEqual([...families, ...others, ...windows].sort());
  });
});

describe("unary", () => {
  it("keeps shape and dtype", () => {
    for (const p of UNARY_PRIMS) {
      const dtypes: DType[] =
        p === "logicalNot"
          ? ["bool"]
          : FLOAT_UNARY_PRIMS.includes(p)
            ? ["float32", "float64"]
            : ["float32", "float64", "int32"];
      for (const d of dtypes) {
        expectOut(p, [[[2, 0, 3], d]], {}, [2, 0, 3], d);
        expectOut(p, [[[], d]], {}, [], d);
      }
    }
  });

  it("refuses the dtypes it does not compute", () => {
    for (const p of FLOAT_UNARY_PRIMS) {
      expectFail(
        p,
        [[[2], "int32"]],
        {},
        DTypeError,
        new RegExp(`^${p}: x must be float32 or float64, got int32$`),
      );
      expectFail(
        p,
        [[[2], "bool"]],
        {},
        DTypeError,
        new RegExp(`^${p}: x must be float32 or float64, got bool$`),
      );
    }
    for (const p of ["neg", "abs", "sign"] as const) {
      expectFail(
        p,
        [[[2], "bool"]],
        {},
        DTypeError,
        new RegExp(`^${p}: x must be numeric \\(float32, float64 or int32\\), got bool$`),
      );
    }
    expectFail(
      "logicalNot",
      [[[2], "float32"]],
      {},
      DTypeError,
      /^logicalNot: x must have dtype bool, got float32$/,
    );
  });
});

describe("binary, compare, logical, where", () => {
  it("broadcasts and keeps the dtype (bool for comparisons and logic)", () => {
    for (const p of BINARY_PRIMS) {
      expectOut(
        p,
        [
          [[2, 1, 3], "float32"],
          [[4, 1], "float32"],
        ],
        {},
        [2, 4, 3],
        "float32",
      );
      expectOut(
        p,
        [
          [[], "float64"],
          [[0, 2], "float64"],
        ],
        {},
        [0, 2],
        "float64",
      );
    }
    for (const p of ["add", "sub", "mul", "maximum", "minimum", "mod"] as const)
      expectOut(
        p,
        [
          [[3], "int32"],
          [[], "int32"],
        ],
        {},
        [3],
        "int32",
      );
    for (const p of COMPARE_PRIMS) {
      for (const d of DTYPES)
        expectOut(
          p,
          [
            [[3, 1], d],
            [[1, 2], d],
          ],
          {},
          [3, 2],
          "bool",
        );
    }
    for (const p of LOGICAL_PRIMS)
      expectOut(
        p,
        [
          [[2], "bool"],
          [[], "bool"],
        ],
        {},
        [2],
        "bool",
      );
    expectOut(
      "where",
      [
        [[2, 1], "bool"],
        [[3], "int32"],
        [[], "int32"],
      ],
      {},
      [2, 3],
      "int32",
    );
    expectOut(
      "where",
      [
        [[], "bool"],
        [[], "bool"],
        [[], "bool"],
      ],
      {},
      [],
      "bool",
    );
  });

  it("errors", () => {
    expectFail(
      "add",
      [
        [[2, 3], "float32"],
        [[4], "float32"],
      ],
      {},
      ShapeError,
      /^add: shapes \[2,3\] and \[4\] cannot be broadcast together$/,
    );
    expectFail(
      "mul",
      [
        [[2], "float32"],
        [[2], "int32"],
      ],
      {},
      DTypeError,
      /^mul: a and b must have the same dtype, got float32 and int32$/,
    );
    expectFail(
      "div",
      [
        [[2], "int32"],
        [[2], "int32"],
      ],
      {},
      DTypeError,
      /^div: a must be float32 or float64, got int32$/,
    );
    expectFail(
      "pow",
      [
        [[2], "bool"],
        [[2], "bool"],
      ],
      {},
      DTypeError,
      /^pow: a must be float32 or float64, got bool$/,
    );
    expectFail(
      "add",
      [
        [[2], "bool"],
        [[2], "bool"],
      ],
      {},
      DTypeError,
      /^add: a must be numeric \(float32, float64 or int32\), got bool$/,
    );
    expectFail(
      "less",
      [
        [[2], "float32"],
        [[2], "float64"],
      ],
      {},
      DTypeError,
      /^less: a and b must have the same dtype, got float32 and float64$/,
    );
    expectFail(
      "equal",
      [
        [[2], "bool"],
        [[3], "bool"],
      ],
      {},
      ShapeError,
      /^equal: shapes \[2\] and \[3\] cannot be broadcast together$/,
    );
    expectFail(
      "logicalAnd",
      [
        [[2], "int32"],
        [[2], "bool"],
      ],
      {},
      DTypeError,
      /^logicalAnd: a must have dtype bool, got int32$/,
    );
    expectFail(
      "logicalOr",
      [
        [[2], "bool"],
        [[2], "float32"],
      ],
      {},
      DTypeError,
      /^logicalOr: b must have dtype bool, got float32$/,
    );
    expectFail(
      "where",
      [
        [[2], "float32"],
        [[2], "float32"],
        [[2], "float32"],
      ],
      {},
      DTypeError,
      /^where: condition must have dtype bool, got float32$/,
    );
    expectFail(
      "where",
      [
        [[2], "bool"],
        [[2], "float32"],
        [[2], "int32"],
      ],
      {},
      DTypeError,
      /^where: x and y must have the same dtype, got float32 and int32$/,
    );
    expectFail(
      "where",
      [
        [[3], "bool"],
        [[2], "float32"],
        [[2], "float32"],
      ],
      {},
      ShapeError,
      /^where: shapes \[3\] and \[2\] and \[2\] cannot be broadcast together$/,
    );
  });
});

describe("cast", () => {
  it("keeps the shape and takes the requested dtype from any dtype", () => {
    for (const from of DTYPES)
      for (const to of DTYPES) expectOut("cast", [[[2, 0], from]], { dtype: to }, [2, 0], to);
  });

  it("refuses an unknown dtype", () => {
    expectFail(
      "cast",
      [[[2], "float32"]],
      { dtype: "float16" },
      ValueError,
      /^cast: dtype must be one of float32, float64, int32, bool, got float16$/,
    );
  });
});

describe("reductions", () => {
  it("drop the reduced axes and keep the dtype; arg reductions give int32", () => {
    expectOut("sum", [[[2, 3, 4], "float32"]], { axes: [0, 2] }, [3], "float32");
    expectOut("sum", [[[2, 3], "int32"]], { axes: [] }, [2, 3], "int32");
    expectOut("sum", [[[2, 0], "float64"]], { axes: [1] }, [2], "float64");
    expectOut("sum", [[[], "float32"]], { axes: [] }, [], "float32");
    expectOut("max", [[[2, 3], "int32"]], { axes: [0, 1] }, [], "int32");
    expectOut("min", [[[0, 3], "float32"]], { axes: [1] }, [0], "float32");
    expectOut("argmax", [[[2, 3, 4], "float32"]], { axis: 1 }, [2, 4], "int32");
    expectOut("argmin", [[[5], "int32"]], { axis: 0 }, [], "int32");
  });

  it("errors", () => {
    expectFail(
      "sum",
      [[[2], "bool"]],
      { axes: [0] },
      DTypeError,
      /^sum: x must have dtype float32 or float64 or int32, got bool$/,
    );
    expectFail(
      "max",
      [[[2], "bool"]],
      { axes: [0] },
      DTypeError,
      /^max: x must be numeric \(float32, float64 or int32\), got bool$/,
    );
    expectFail(
      "sum",
      [[[2, 3], "float32"]],
      { axes: [1, 0] },
      ShapeError,
      /^sum: axes must be sorted, distinct and in \[0, 2\), got \[1,0\]$/,
    );
    expectFail(
      "min",
      [[[2, 3], "float32"]],
      { axes: [0, 0] },
      ShapeError,
      /^min: axes must be sorted, distinct and in \[0, 2\), got \[0,0\]$/,
    );
    expectFail(
      "max",
      [[[2, 3], "float32"]],
      { axes: [2] },
      ShapeError,
      /^max: axes must be sorted, distinct and in \[0, 2\), got \[2\]$/,
    );
    expectFail(
      "sum",
      [[[2, 3], "float32"]],
      { axes: [-1] },
      ShapeError,
      /^sum: axes must be sorted, distinct and in \[0, 2\), got \[-1\]$/,
    );
    expectFail(
      "max",
      [[[2, 0, 3], "float32"]],
      { axes: [1] },
      ShapeError,
      /^max: cannot reduce over axis 1 of size 0 in shape \[2,0,3\]$/,
    );
    expectFail(
      "argmax",
      [[[2, 0], "float32"]],
      { axis: 1 },
      ShapeError,
      /^argmax: axis 1 has size 0 in shape \[2,0\]$/,
    );
    expectFail("argmin", [[[2], "bool"]], { axis: 0 }, DTypeError, /^argmin: x must be numeric/);
    expectFail(
      "argmax",
      [[[2, 2], "float32"]],
      { axis: 2 },
      ShapeError,
      /^argmax: axes must be sorted, distinct and in \[0, 2\), got \[2\]$/,
    );
  });
});

describe("movement", () => {
  it("output shapes", () => {
    expectOut("reshape", [[[2, 3], "bool"]], { shape: [3, 1, 2] }, [3, 1, 2], "bool");
    expectOut("reshape", [[[], "float32"]], { shape: [1, 1] }, [1, 1], "float32");
    expectOut("reshape", [[[0, 3], "int32"]], { shape: [3, 0] }, [3, 0], "int32");
    expectOut("transpose", [[[2, 3, 4], "float32"]], { perm: [2, 0, 1] }, [4, 2, 3], "float32");
    expectOut("transpose", [[[], "float32"]], { perm: [] }, [], "float32");
    expectOut("broadcastTo", [[[3, 1], "int32"]], { shape: [2, 3, 4] }, [2, 3, 4], "int32");
    expectOut("broadcastTo", [[[1], "float32"]], { shape: [0] }, [0], "float32");
    expectOut("slice", [[[4, 5], "float32"]], { begin: [1, 0], size: [2, 5] }, [2, 5], "float32");
    expectOut("slice", [[[4], "float32"]], { begin: [4], size: [0] }, [0], "float32");
    expectOut(
      "pad",
      [[[2, 3], "int32"]],
      {
        paddings: [
          [1, 0],
          [2, 2],
        ],
        value: 0,
      },
      [3, 7],
      "int32",
    );
    expectOut(
      "concat",
      [
        [[2, 3], "float32"],
        [[2, 0], "float32"],
        [[2, 1], "float32"],
      ],
      { axis: 1 },
      [2, 4],
      "float32",
    );
    expectOut(
      "gather",
      [
        [[4, 5, 6], "float32"],
        [[2, 3], "int32"],
      ],
      { axis: 1 },
      [4, 2, 3, 6],
      "float32",
    );
    expectOut(
      "gather",
      [
        [[4, 5], "bool"],
        [[], "int32"],
      ],
      { axis: 0 },
      [5],
      "bool",
    );
    expectOut(
      "scatterAdd",
      [
        [[4, 2, 3, 6], "float32"],
        [[2, 3], "int32"],
      ],
      { axis: 1, size: 5 },
      [4, 5, 6],
      "float32",
    );
    expectOut(
      "scatterAdd",
      [
        [[5], "int32"],
        [[], "int32"],
      ],
      { axis: 0, size: 3 },
      [3, 5],
      "int32",
    );
  });

  it("errors", () => {
    expectFail(
      "reshape",
      [[[2, 3], "float32"]],
      { shape: [4] },
      ShapeError,
      /^reshape: cannot reshape a tensor of shape \[2,3\] \(6 elements\) to \[4\] \(4 elements\)$/,
    );
    expectFail(
      "reshape",
      [[[2, 3], "float32"]],
      { shape: [-1, 6] },
      ShapeError,
      /^reshape: shape must hold non-negative integers, got \[-1,6\]$/,
    );
    expectFail(
      "transpose",
      [[[2, 3], "float32"]],
      { perm: [1, 1] },
      ShapeError,
      /^transpose: perm must be a permutation of 0..1 for shape \[2,3\], got \[1,1\]$/,
    );
    expectFail(
      "broadcastTo",
      [[[2, 3], "float32"]],
      { shape: [3] },
      ShapeError,
      /^broadcastTo: cannot broadcast shape \[2,3\] to \[3\]$/,
    );
    expectFail(
      "broadcastTo",
      [[[2], "float32"]],
      { shape: [2, 1] },
      ShapeError,
      /^broadcastTo: cannot broadcast shape \[2\] to \[2,1\]$/,
    );
    expectFail(
      "broadcastTo",
      [[[2], "float32"]],
      { shape: [3] },
      ShapeError,
      /^broadcastTo: cannot broadcast shape \[2\] to \[3\]$/,
    );
    expectFail(
      "slice",
      [[[3], "float32"]],
      { begin: [1], size: [3] },
      ShapeError,
      /^slice: begin \[1\] with size \[3\] is out of bounds for shape \[3\] \(axis 0\)$/,
    );
    expectFail(
      "slice",
      [[[3], "float32"]],
      { begin: [0, 0], size: [1, 1] },
      ShapeError,
      /^slice: begin and size must have 1 entries for shape \[3\], got \[0,0\] and \[1,1\]$/,
    );
    expectFail(
      "pad",
      [[[2, 2], "float32"]],
      { paddings: [[1, 1]], value: 0 },
      ShapeError,
      /^pad: paddings must have one \[before, after\] pair per axis \(2\), got 1$/,
    );
    expectFail(
      "pad",
      [[[2], "float32"]],
      { paddings: [[0, -1]], value: 0 },
      ValueError,
      /^pad: each padding must be two non-negative integers, got \[0,-1\]$/,
    );
    expectFail(
      "pad",
      [[[2], "float32"]],
      { paddings: [[0, 1]], value: "0" },
      ValueError,
      /^pad: value must be a number, got 0$/,
    );
    expectFail("concat", [], { axis: 0 }, ValueError, /^concat: needs at least one tensor$/);
    expectFail(
      "concat",
      [
        [[2, 3], "float32"],
        [[3, 3], "float32"],
      ],
      { axis: 1 },
      ShapeError,
      /^concat: tensors\[1\] has shape \[3,3\], which does not match \[2,3\] outside axis 1$/,
    );
    expectFail(
      "concat",
      [
        [[2, 3], "float32"],
        [[2, 3], "bool"],
      ],
      { axis: 0 },
      DTypeError,
      /^concat: tensors\[0\] and tensors\[1\] must have the same dtype, got float32 and bool$/,
    );
    expectFail(
      "concat",
      [[[2], "float32"]],
      { axis: 1 },
      ShapeError,
      /^concat: axis 1 is out of range for rank 1$/,
    );
    expectFail(
      "gather",
      [
        [[2, 3], "float32"],
        [[2], "float32"],
      ],
      { axis: 0 },
      DTypeError,
      /^gather: indices must have dtype int32, got float32$/,
    );
    expectFail(
      "gather",
      [
        [[2, 3], "float32"],
        [[2], "int32"],
      ],
      { axis: 2 },
      ShapeError,
      /^gather: axis 2 is out of range for x of shape \[2,3\]$/,
    );
    expectFail(
      "scatterAdd",
      [
        [[2, 3], "float32"],
        [[2], "int32"],
      ],
      { axis: 1, size: 4 },
      ShapeError,
      /^scatterAdd: updates of shape \[2,3\] must hold indices' shape \[2\] at axis 1$/,
    );
    expectFail(
      "scatterAdd",
      [
        [[2], "bool"],
        [[2], "int32"],
      ],
      { axis: 0, size: 4 },
      DTypeError,
      /^scatterAdd: updates must have dtype float32 or float64 or int32, got bool$/,
    );
    expectFail(
      "scatterAdd",
      [
        [[2], "float32"],
        [[2], "int32"],
      ],
      { axis: 0, size: 1.5 },
      ValueError,
      /^scatterAdd: size must be a non-negative integer, got 1.5$/,
    );
  });
});

describe("matmul", () => {
  it("output shapes with transposes and broadcast batches", () => {
    expectOut(
      "matmul",
      [
        [[32, 784], "float32"],
        [[784, 10], "float32"],
      ],
      { transposeA: false, transposeB: false },
      [32, 10],
      "float32",
    );
    expectOut(
      "matmul",
      [
        [[784, 32], "float32"],
        [[784, 10], "float32"],
      ],
      { transposeA: true, transposeB: false },
      [32, 10],
      "float32",
    );
    expectOut(
      "matmul",
      [
        [[32, 784], "float32"],
        [[10, 784], "float32"],
      ],
      { transposeA: false, transposeB: true },
      [32, 10],
      "float32",
    );
    expectOut(
      "matmul",
      [
        [[2, 1, 3, 4], "int32"],
        [[5, 4, 2], "int32"],
      ],
      { transposeA: false, transposeB: false },
      [2, 5, 3, 2],
      "int32",
    );
    expectOut(
      "matmul",
      [
        [[0, 3, 0], "float64"],
        [[0, 2], "float64"],
      ],
      { transposeA: false, transposeB: false },
      [0, 3, 2],
      "float64",
    );
  });

  it("errors", () => {
    const ff = { transposeA: false, transposeB: false };
    expectFail(
      "matmul",
      [
        [[32, 784], "float32"],
        [[100, 10], "float32"],
      ],
      ff,
      ShapeError,
      /^matmul: inner dimensions differ: a is \[32,784\], b is \[100,10\]$/,
    );
    expectFail(
      "matmul",
      [
        [[3, 2], "float32"],
        [[3, 4], "float32"],
      ],
      { transposeA: false, transposeB: true },
      ShapeError,
      /^matmul: inner dimensions differ: a is \[3,2\], b is \[3,4\] \(transposed\)$/,
    );
    expectFail(
      "matmul",
      [
        [[3], "float32"],
        [[3, 4], "float32"],
      ],
      ff,
      ShapeError,
      /^matmul: the primitive needs rank >= 2, got a \[3\] and b \[3,4\]$/,
    );
    expectFail(
      "matmul",
      [
        [[2, 2, 3], "float32"],
        [[3, 3, 4], "float32"],
      ],
      ff,
      ShapeError,
      /^matmul \(batch dimensions\): shapes \[2\] and \[3\] cannot be broadcast together$/,
    );
    expectFail(
      "matmul",
      [
        [[2, 2], "bool"],
        [[2, 2], "bool"],
      ],
      ff,
      DTypeError,
      /^matmul: a must be numeric \(float32, float64 or int32\), got bool$/,
    );
    expectFail(
      "matmul",
      [
        [[2, 2], "float32"],
        [[2, 2], "float64"],
      ],
      ff,
      DTypeError,
      /^matmul: a and b must have the same dtype, got float32 and float64$/,
    );
  });
});

describe("conv2d and its backprops", () => {
  it("output shapes follow floor((H + t + b − d·(k−1) − 1)/s) + 1", () => {
    expectOut(
      "conv2d",
      [
        [[2, 28, 28, 3], "float32"],
        [[5, 5, 3, 8], "float32"],
      ],
      conv(),
      [2, 24, 24, 8],
      "float32",
    );
    expectOut(
      "conv2d",
      [
        [[1, 7, 9, 1], "float64"],
        [[3, 2, 1, 4], "float64"],
      ],
      conv(
        [2, 3],
        [
          [1, 2],
          [0, 1],
        ],
        [2, 1],
      ),
      [1, 3, 3, 4],
      "float64",
    );
    expectOut(
      "conv2d",
      [
        [[0, 5, 5, 2], "float32"],
        [[1, 1, 2, 0], "float32"],
      ],
      conv(),
      [0, 5, 5, 0],
      "float32",
    );
    expectOut(
      "conv2dBackpropInput",
      [
        [[1, 3, 3, 4], "float32"],
        [[3, 2, 1, 4], "float32"],
      ],
      {
        ...conv(
          [2, 3],
          [
            [1, 2],
            [0, 1],
          ],
          [2, 1],
        ),
        inputShape: [1, 7, 9, 1],
      },
      [1, 7, 9, 1],
      "float32",
    );
    expectOut(
      "conv2dBackpropFilter",
      [
        [[1, 7, 9, 1], "float32"],
        [[1, 3, 3, 4], "float32"],
      ],
      {
        ...conv(
          [2, 3],
          [
            [1, 2],
            [0, 1],
          ],
          [2, 1],
        ),
        filterShape: [3, 2, 1, 4],
      },
      [3, 2, 1, 4],
      "float32",
    );
    expect(windowOutSize("op", 7, 3, 2, 2, [1, 0])).toBe(2);
    expect(
      conv2dOutShape("op", [1, 5, 5, 1], [3, 3, 1, 2], {
        strides: [2, 2],
        padding: [
          [1, 1],
          [1, 1],
        ],
        dilations: [1, 1],
      }),
    ).toEqual([1, 3, 3, 2]);
  });

  it("errors", () => {
    const x: Spec = [[1, 3, 3, 2], "float32"];
    const f: Spec = [[2, 2, 2, 1], "float32"];
    expectFail(
      "conv2d",
      [
        [[1, 3, 3, 2], "int32"],
        [[2, 2, 2, 1], "int32"],
      ],
      conv(),
      DTypeError,
      /^conv2d: x must be float32 or float64, got int32$/,
    );
    expectFail(
      "conv2d",
      [x, [[2, 2, 2, 1], "float64"]],
      conv(),
      DTypeError,
      /^conv2d: x and filter must have the same dtype, got float32 and float64$/,
    );
    expectFail(
      "conv2d",
      [[[3, 3, 2], "float32"], f],
      conv(),
      ShapeError,
      /^conv2d: x must have rank 4, got shape \[3,3,2\]$/,
    );
    expectFail(
      "conv2d",
      [x, [[2, 2, 2], "float32"]],
      conv(),
      ShapeError,
      /^conv2d: filter must have rank 4, got shape \[2,2,2\]$/,
    );
    expectFail(
      "conv2d",
      [x, [[2, 2, 3, 1], "float32"]],
      conv(),
      ShapeError,
      /^conv2d: input channels differ: x is \[1,3,3,2\] \(NHWC\), filter is \[2,2,3,1\] \(\[kh,kw,in,out\]\)$/,
    );
    expectFail(
      "conv2d",
      [x, f],
      conv(
        [1, 1],
        [
          [0, 0],
          [0, 0],
        ],
        [3, 1],
      ),
      ShapeError,
      /^conv2d: the window \(2 with dilation 3\) is larger than the padded input \(3\)$/,
    );
    expectFail(
      "conv2d",
      [x, f],
      conv([0, 1]),
      ValueError,
      /^conv2d: strides must be 2 positive integers, got \[0,1\]$/,
    );
    expectFail(
      "conv2d",
      [x, f],
      conv([1, 1, 1]),
      ValueError,
      /^conv2d: strides must be 2 positive integers, got \[1,1,1\]$/,
    );
    expectFail(
      "conv2d",
      [x, f],
      conv(
        [1, 1],
        [
          [0, 0],
          [0, 0],
        ],
        [1.5, 1],
      ),
      ValueError,
      /^conv2d: dilations must be 2 positive integers, got \[1.5,1\]$/,
    );
    expectFail(
      "conv2d",
      [x, f],
      conv([1, 1], [[0, 0]]),
      ValueError,
      /^conv2d: padding must be \[\[top, bottom\], \[left, right\]\] of non-negative integers, got \[\[0,0\]\]$/,
    );
    expectFail(
      "conv2dBackpropInput",
      [[[1, 3, 3, 1], "float32"], f],
      { ...conv(), inputShape: [1, 3, 3, 2] },
      ShapeError,
      /^conv2dBackpropInput: dy must have shape \[1,2,2,1\], got \[1,3,3,1\]$/,
    );
    expectFail(
      "conv2dBackpropInput",
      [[[1, 2, 2, 1], "float32"], f],
      { ...conv(), inputShape: [3, 3, 2] },
      ShapeError,
      /^conv2dBackpropInput: inputShape must have rank 4, got \[3,3,2\]$/,
    );
    expectFail(
      "conv2dBackpropInput",
      [[[1, 2, 2, 1], "int32"], f],
      { ...conv(), inputShape: [1, 3, 3, 2] },
      DTypeError,
      /^conv2dBackpropInput: dy must be float32 or float64, got int32$/,
    );
    expectFail(
      "conv2dBackpropFilter",
      [x, [[1, 3, 3, 1], "float32"]],
      { ...conv(), filterShape: [2, 2, 2, 1] },
      ShapeError,
      /^conv2dBackpropFilter: dy must have shape \[1,2,2,1\], got \[1,3,3,1\]$/,
    );
    expectFail(
      "conv2dBackpropFilter",
      [x, [[1, 2, 2, 1], "float32"]],
      { ...conv(), filterShape: [2, 2, 2] },
      ShapeError,
      /^conv2dBackpropFilter: filterShape must have rank 4, got \[2,2,2\]$/,
    );
    expectFail(
      "conv2dBackpropFilter",
      [x, [[1, 2, 2, 1], "float64"]],
      { ...conv(), filterShape: [2, 2, 2, 1] },
      DTypeError,
      /^conv2dBackpropFilter: x and dy must have the same dtype, got float32 and float64$/,
    );
  });
});

describe("pooling", () => {
  it("output shapes", () => {
    expectOut("maxPool", [[[2, 4, 4, 3], "int32"]], pool(), [2, 2, 2, 3], "int32");
    expectOut(
      "avgPool",
      [[[1, 5, 5, 1], "float32"]],
      pool(
        [3, 3],
        [2, 2],
        [
          [1, 1],
          [1, 1],
        ],
      ),
      [1, 3, 3, 1],
      "float32",
    );
    expectOut(
      "maxPoolBackward",
      [
        [[2, 2, 2, 3], "float32"],
        [[2, 4, 4, 3], "float32"],
      ],
      pool(),
      [2, 4, 4, 3],
      "float32",
    );
    expectOut(
      "avgPoolBackward",
      [[[1, 3, 3, 1], "float64"]],
      {
        ...pool(
          [3, 3],
          [2, 2],
          [
            [1, 1],
            [1, 1],
          ],
        ),
        inputShape: [1, 5, 5, 1],
      },
      [1, 5, 5, 1],
      "float64",
    );
    expect(
      poolOutShape("op", [1, 7, 6, 2], {
        filterSize: [3, 2],
        strides: [2, 2],
        padding: [
          [0, 1],
          [1, 0],
        ],
      }),
    ).toEqual([1, 3, 3, 2]);
  });

  it("errors", () => {
    const x: Spec = [[1, 4, 4, 1], "float32"];
    expectFail(
      "maxPool",
      [[[1, 4, 4, 1], "bool"]],
      pool(),
      DTypeError,
      /^maxPool: x must be numeric \(float32, float64 or int32\), got bool$/,
    );
    expectFail(
      "avgPool",
      [[[1, 4, 4, 1], "int32"]],
      pool(),
      DTypeError,
      /^avgPool: x must be float32 or float64, got int32$/,
    );
    expectFail(
      "maxPool",
      [[[4, 4, 1], "float32"]],
      pool(),
      ShapeError,
      /^maxPool: x must have rank 4, got shape \[4,4,1\]$/,
    );
    expectFail(
      "maxPool",
      [x],
      pool([0, 2]),
      ValueError,
      /^maxPool: filterSize must be 2 positive integers, got \[0,2\]$/,
    );
    expectFail(
      "avgPool",
      [x],
      pool([2, 2], [2, 0]),
      ValueError,
      /^avgPool: strides must be 2 positive integers, got \[2,0\]$/,
    );
    expectFail(
      "maxPool",
      [x],
      pool(
        [2, 2],
        [2, 2],
        [
          [0, 0],
          [-1, 0],
        ],
      ),
      ValueError,
      /^maxPool: padding must be \[\[top, bottom\], \[left, right\]\] of non-negative integers/,
    );
    expectFail(
      "maxPool",
      [x],
      pool([5, 2]),
      ShapeError,
      /^maxPool: the window \(5 with dilation 1\) is larger than the padded input \(4\)$/,
    );
    expectFail(
      "maxPoolBackward",
      [[[1, 3, 3, 1], "float32"], x],
      pool(),
      ShapeError,
      /^maxPoolBackward: dy must have shape \[1,2,2,1\], got \[1,3,3,1\]$/,
    );
    expectFail(
      "maxPoolBackward",
      [
        [[1, 2, 2, 1], "int32"],
        [[1, 4, 4, 1], "int32"],
      ],
      pool(),
      DTypeError,
      /^maxPoolBackward: dy must be float32 or float64, got int32$/,
    );
    expectFail(
      "maxPoolBackward",
      [
        [[1, 2, 2, 1], "float32"],
        [[1, 4, 4, 1], "float64"],
      ],
      pool(),
      DTypeError,
      /^maxPoolBackward: dy and x must have the same dtype, got float32 and float64$/,
    );
    expectFail(
      "avgPoolBackward",
      [[[1, 2, 2, 1], "float32"]],
      { ...pool(), inputShape: [4, 4, 1] },
      ShapeError,
      /^avgPoolBackward: inputShape must have rank 4, got \[4,4,1\]$/,
    );
    expectFail(
      "avgPoolBackward",
      [[[1, 2, 2, 1], "float32"]],
      { ...pool(), inputShape: [1, 6, 6, 1] },
      ShapeError,
      /^avgPoolBackward: dy must have shape \[1,3,3,1\], got \[1,2,2,1\]$/,
    );
  });
});

describe("randomUniform", () => {
  it("output shape and dtype", () => {
    expectOut("randomUniform", [], { shape: [2, 3], dtype: "float32", key: [0, 0] }, [2, 3], "float32");
    expectOut("randomUniform", [], { shape: [], dtype: "float64", key: [0xffffffff, 1] }, [], "float64");
  });

  it("errors", () => {
    expectFail(
      "randomUniform",
      [],
      { shape: [2], dtype: "int32", key: [0, 0] },
      DTypeError,
      /^randomUniform: dtype must be float32 or float64, got int32$/,
    );
    expectFail(
      "randomUniform",
      [],
      { shape: [2], dtype: "float32", key: [0] },
      ValueError,
      /^randomUniform: key must be two unsigned 32-bit integers, got \[0\]$/,
    );
    expectFail(
      "randomUniform",
      [],
      { shape: [2], dtype: "float32", key: [0, 4294967296] },
      ValueError,
      /^randomUniform: key must be two unsigned 32-bit integers, got \[0,4294967296\]$/,
    );
    expectFail(
      "randomUniform",
      [],
      { shape: [2], dtype: "float32", key: [0.5, 1] },
      ValueError,
      /^randomUniform: key must be two unsigned/,
    );
    expectFail(
      "randomUniform",
      [],
      { shape: [2, -1], dtype: "float32", key: [0, 0] },
      ShapeError,
      /^randomUniform: shape must hold non-negative integers, got \[2,-1\]$/,
    );
  });
});
