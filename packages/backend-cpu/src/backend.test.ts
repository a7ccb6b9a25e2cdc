import {
  BINARY_PRIMS,
  COMPARE_PRIMS,
  LOGICAL_PRIMS,
  PRIM_NAMES,
  type PrimAttrs,
  type PrimName,
  type Tensor,
  UNARY_PRIMS,
  getBackend,
  makeTensor,
  memory,
  registeredBackends,
} from "@axon/core";
import { describe, expect, it } from "vitest";
import { CpuBackend } from "./backend.ts";
import { KERNELS } from "./index.ts";
import { run, tensor, useCpuBackend, values } from "./testUtil.ts";

useCpuBackend();

describe("CpuBackend", () => {
  it("is registered as 'cpu' and active", () => {
    expect(registeredBackends()).toContain("cpu");
    expect(getBackend().name).toBe("cpu");
    expect(getBackend().dtypes).toEqual(["float32", "float64", "int32", "bool"]);
    expect(getBackend().info?.()).toMatchObject({ threads: 1, simd: false });
  });

  it("has a kernel for every primitive", () => {
    for (const p of PRIM_NAMES) expect(typeof KERNELS[p], p).toBe("function");
  });

  it("write copies, readSync and read return copies, bool is stored as 0/1", async () => {
    const b = new CpuBackend();
    const src = new Float32Array([1, 2, 3]);
    const buf = b.write(src, "float32");
    src[0] = 99;
    expect(Array.from(buf.data)).toEqual([1, 2, 3]);
    const out = b.readSync(buf, "float32", 3);
    out[1] = 99;
    expect(Array.from(b.readSync(buf, "float32", 3))).toEqual([1, 2, 3]);
    expect(Array.from(await b.read(buf, "float32", 3))).toEqual([1, 2, 3]);
    expect(b.write(new Uint8Array([0, 2, 255]), "bool").data).toEqual(new Uint8Array([0, 1, 1]));
    expect(b.write(new Float64Array([0.1]), "float32").data).toEqual(new Float32Array([0.1]));
    expect(b.info()).toMatchObject({ liveBuffers: 3 });
    b.free(buf);
    expect(b.info()).toMatchObject({ liveBuffers: 2 });
  });

  it("counts kernel outputs but not buffers shared with an input", () => {
    const b = new CpuBackend();
    const x = { buffer: b.write(new Float64Array([1, 2]), "float64"), shape: [2], dtype: "float64" as const };
    const r = b.run("reshape", [x], { shape: [1, 2] }, { shape: [1, 2], dtype: "float64" });
    expect(r).toBe(x.buffer);
    expect(b.info()).toMatchObject({ liveBuffers: 1 });
    b.run("neg", [x], {}, { shape: [2], dtype: "float64" });
    expect(b.info()).toMatchObject({ liveBuffers: 2 });
  });

  it("frees what the engine releases", () => {
    const before = memory().backends.cpu?.numBuffers ?? 0;
    const t = makeTensor(new Float32Array([1, 2]), [2], "float32");
    const y = run("reshape", [t], { shape: [2, 1] });
    expect(memory().backends.cpu.numBuffers).toBe(before + 1);
    t.dispose();
    expect(values(y)).toEqual([1, 2]);
    y.dispose();
    expect(memory().backends.cpu.numBuffers).toBe(before);
  });
});

/** Every primitive on rank-0 scalars (where the primitive allows rank 0) and on size-0 tensors. */
describe("scalars and empty tensors in every kernel", () => {
  const f = (v: number[], s: number[]) => tensor(v, s, "float32");
  const i32 = (v: number[], s: number[]) => tensor(v, s, "int32");
  const bool = (v: number[], s: number[]) => tensor(v, s, "bool");
  const pool = {
    filterSize: [1, 1],
    strides: [1, 1],
    padding: [
      [0, 0],
      [0, 0],
    ],
  } as const;
  const conv = {
    strides: [1, 1],
    dilations: [1, 1],
    padding: [
      [0, 0],
      [0, 0],
    ],
  } as const;
  type Case = [PrimName, () => Tensor[], unknown, number[]];
  const cases: Case[] = [
    ...UNARY_PRIMS.flatMap((p): Case[] => {
      const make = p === "logicalNot" ? bool : f;
      return [
        [p, () => [make([1], [])], {}, []],
        [p, () => [make([], [2, 0])], {}, [2, 0]],
      ];
    }),
    ...[...BINARY_PRIMS, ...COMPARE_PRIMS].flatMap((p): Case[] => [
      [p, () => [f([2], []), f([3], [])], {}, []],
      [p, () => [f([], [0]), f([3], [])], {}, [0]],
    ]),
    ...LOGICAL_PRIMS.flatMap((p): Case[] => [
      [p, () => [bool([1], []), bool([0], [])], {}, []],
      [p, () => [bool([1], []), bool([], [0, 1])], {}, [0, 1]],
    ]),
    ["where", () => [bool([1], []), f([1], []), f([2], [])], {}, []],
    ["where", () => [bool([], [0]), f([1], []), f([2], [])], {}, [0]],
    ["cast", () => [f([1.5], [])], { dtype: "int32" }, []],
    ["cast", () => [f([], [0])], { dtype: "bool" }, [0]],
    ["sum", () => [f([3], [])], { axes: [] }, []],
    ["sum", () => [f([], [0, 2])], { axes: [1] }, [0]],
    ["max", () => [i32([], [0, 2])], { axes: [1] }, [0]],
    ["min", () => [f([4], [])], { axes: [] }, []],
    ["argmax", () => [f([], [0, 2])], { axis: 1 }, [0]],
    ["argmin", () => [f([1], [1])], { axis: 0 }, []],
    ["reshape", () => [f([5], [])], { shape: [1, 1] }, [1, 1]],
    ["reshape", () => [f([], [0, 3])], { shape: [3, 0] }, [3, 0]],
    ["transpose", () => [f([5], [])], { perm: [] }, []],
    ["transpose", () => [f([], [0, 3])], { perm: [1, 0] }, [3, 0]],
    ["broadcastTo", () => [f([5], [])], { shape: [2, 0] }, [2, 0]],
    ["broadcastTo", () => [f([5], [])], { shape: [] }, []],
    ["slice", () => [f([5], [])], { begin: [], size: [] }, []],
    ["slice", () => [f([1, 2], [2])], { begin: [1], size: [0] }, [0]],
    [
      "pad",
      () => [f([], [0, 2])],
      {
        paddings: [
          [0, 0],
          [1, 1],
        ],
        value: 1,
      },
      [0, 4],
    ],
    ["concat", () => [f([], [0, 2]), f([], [0, 3])], { axis: 1 }, [0, 5]],
    ["gather", () => [f([1, 2], [2]), i32([1], [])], { axis: 0 }, []],
    ["gather", () => [f([], [0, 2]), i32([], [0])], { axis: 0 }, [0, 2]],
    ["scatterAdd", () => [f([5], []), i32([1], [])], { axis: 0, size: 3 }, [3]],
    ["matmul", () => [f([], [0, 2, 3]), f([], [3, 0])], { transposeA: false, transposeB: false }, [0, 2, 0]],
    ["conv2d", () => [f([], [0, 2, 2, 1]), f([1], [1, 1, 1, 1])], conv, [0, 2, 2, 1]],
    [
      "conv2dBackpropInput",
      () => [f([], [0, 2, 2, 1]), f([1], [1, 1, 1, 1])],
      { ...conv, inputShape: [0, 2, 2, 1] },
      [0, 2, 2, 1],
    ],
    [
      "conv2dBackpropFilter",
      () => [f([], [1, 2, 2, 0]), f([], [1, 2, 2, 0])],
      { ...conv, filterShape: [1, 1, 0, 0] },
      [1, 1, 0, 0],
    ],
    ["maxPool", () => [f([], [0, 2, 2, 1])], pool, [0, 2, 2, 1]],
    ["maxPoolBackward", () => [f([], [1, 2, 2, 0]), f([], [1, 2, 2, 0])], pool, [1, 2, 2, 0]],
    ["avgPool", () => [f([], [1, 2, 2, 0])], pool, [1, 2, 2, 0]],
    ["avgPoolBackward", () => [f([], [0, 2, 2, 1])], { ...pool, inputShape: [0, 2, 2, 1] }, [0, 2, 2, 1]],
    ["randomUniform", () => [], { shape: [], dtype: "float32", key: [1, 2] }, []],
  ];

  it("cover every primitive", () => {
    const covered = new Set(cases.map((c) => c[0]));
    expect(PRIM_NAMES.filter((p) => !covered.has(p))).toEqual([]);
  });

  it.each(cases)("%s (case %#)", (prim, inputs, attrs, shape) => {
    const y = run(prim, inputs(), attrs as PrimAttrs[typeof prim]);
    expect(y.shape).toEqual(shape);
    expect(values(y).length).toBe(shape.reduce((a, b) => a * b, 1));
  });
});

describe("CpuBackend with WebAssembly kernels", () => {
  it("keeps every buffer in the heap: a training-like sequence of kernels copies no input", () => {
    const b = new CpuBackend({ threads: 1 });
    const f = (shape: number[]) => ({
      buffer: b.write(new Float32Array(shape.reduce((x, y) => x * y, 1)).fill(0.5), "float32"),
      shape,
      dtype: "float32" as const,
    });
    const x = f([8, 16]);
    const w = f([16, 4]);
    const spec = (shape: number[], dtype: "float32" | "bool" = "float32") => ({ shape, dtype });
    const y = {
      buffer: b.run("matmul", [x, w], { transposeA: false, transposeB: false }, spec([8, 4])),
      shape: [8, 4],
      dtype: "float32" as const,
    };
    // WebAssembly kernels (compare, where, transpose) and JavaScript ones (mod) write into heap blocks.
    const zero = f([1]);
    const mask = {
      buffer: b.run("greater", [y, zero], {}, spec([8, 4], "bool")),
      shape: [8, 4],
      dtype: "bool" as const,
    };
    const r = {
      buffer: b.run("where", [mask, y, zero], {}, spec([8, 4])),
      shape: [8, 4],
      dtype: "float32" as const,
    };
    const t = {
      buffer: b.run("transpose", [r], { perm: [1, 0] }, spec([4, 8])),
      shape: [4, 8],
      dtype: "float32" as const,
    };
    const two = f([1]);
    const m = {
      buffer: b.run("mod", [t, two], {}, spec([4, 8])),
      shape: [4, 8],
      dtype: "float32" as const,
    };
    b.run("matmul", [m, x], { transposeA: false, transposeB: false }, spec([4, 16]));
    b.run("exp", [t], {}, spec([4, 8]));
    for (const buf of [mask, r, t, m]) expect(buf.buffer.inHeap).toBe(true);
    expect((b.info().heap as { migrations: number }).migrations).toBe(0);
    // Only mod ran in JavaScript.
    expect(b.info().jsKernelCalls).toEqual({ mod: 1 });
  });

  it("counts the calls that ran a JavaScript kernel, per primitive (declined cases included)", () => {
    const b = new CpuBackend({ threads: 1 });
    const x = { buffer: b.write(new Float64Array([1, 2]), "float64"), shape: [2], dtype: "float64" as const };
    b.run("exp", [x], {}, { shape: [2], dtype: "float64" }); // exp is float32-only in WebAssembly
    b.run("exp", [x], {}, { shape: [2], dtype: "float64" });
    b.run("neg", [x], {}, { shape: [2], dtype: "float64" });
    b.run("sin", [x], {}, { shape: [2], dtype: "float64" });
    expect(b.info().jsKernelCalls).toEqual({ exp: 2, sin: 1 });
    expect(new CpuBackend({ simd: false }).info().jsKernelCalls).toBeUndefined();
  });
});
