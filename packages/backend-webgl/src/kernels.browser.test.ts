import { BackendError, ValueError, memory, philoxUniform, runPrimitive, tidy } from "@axon/core";
import { beforeAll, describe, expect, it } from "vitest";
import { ContextLostError, WebGLBackend } from "./index.ts";
import { run, t, useWebGL } from "./test/setup.ts";

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

beforeAll(async () => {
  await useWebGL();
});

describe("reductions on the GPU", () => {
  it("a long sum runs in passes over windows and stays accurate", () =>
    tidy(() => {
      const n = 100_003;
      const xs = Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 3));
      const exact = xs.reduce((a, b) => a + b, 0);
      const { v } = run("sum", [t(xs, [n])], { axes: [0] });
      expect(Math.abs(v[0] - exact)).toBeLessThan(1e-3);
    }));

  it("a long reduction over a leading axis is transposed first", () =>
    tidy(() => {
      const rows = 9000;
      const xs = Array.from({ length: rows * 3 }, (_, i) => (i % 3) + (i % 7 === 0 ? 1 : 0));
      const { v } = run("sum", [t(xs, [rows, 3], "int32")], { axes: [0] });
      const expected = [0, 1, 2].map((c) => xs.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0));
      expect(v).toEqual(expected);
      const m = run(
        "max",
        [
          t(
            xs.map((x, i) => (i === 3 * 8500 + 1 ? NAN : x)),
            [rows, 3],
          ),
        ],
        { axes: [0] },
      );
      expect(m.v[0]).toBe(1);
      expect(m.v[1]).toBeNaN();
      expect(m.v[2]).toBe(3);
    }));

  it("float sums are compensated (the compiler does not fold Kahan away)", () =>
    tidy(() => {
      const xs = [1, ...new Array<number>(4000).fill(1e-8)];
      const { v } = run("sum", [t(xs, [xs.length])], { axes: [0] });
      expect(v[0]).toBeCloseTo(1.00004, 6);
    }));

  it("argmax/argmin: the first NaN wins, then the first extreme", () =>
    tidy(() => {
      expect(run("argmax", [t([1, 3, NAN, 3, NAN], [5])], { axis: 0 }).v).toEqual([2]);
      expect(run("argmin", [t([2, -1, 5, -1], [4])], { axis: 0 }).v).toEqual([1]);
      expect(run("argmax", [t([1, 5, 5, 2, 9, 9], [2, 3], "int32")], { axis: 1 }).v).toEqual([1, 1]);
    }));
});

describe("elementwise edge cases", () => {
  it("pow: negative bases with integer exponents, Math.pow's special cases", () =>
    tidy(() => {
      const a = [-2, -2, -3, -8, 2, 0, -0, 0, 1, NAN, -1, 2.5, 10, -INF, -INF];
      const b = [3, 2, -3, 1 / 3, 0.5, -1, -3, 0, NAN, 0, INF, 2.2, -3, 3, -2];
      const { v } = run("pow", [t(a, [a.length]), t(b, [b.length])]);
      a.forEach((x, i) => {
        const e = Math.fround(Math.fround(x) ** Math.fround(b[i]));
        if (Number.isNaN(e)) expect(v[i], `pow(${x}, ${b[i]})`).toBeNaN();
        else expect(v[i], `pow(${x}, ${b[i]})`).toBeCloseTo(e, 5);
      });
    }));

  it("div and mod: IEEE division by zero, floor-mod with the divisor's sign", () =>
    tidy(() => {
      const d = run("div", [t([1, -1, 0, INF, 1, 6], [6]), t([0, 0, 0, INF, -INF, 3], [6])]).v;
      expect(d.slice(0, 2)).toEqual([INF, -INF]);
      expect(d[2]).toBeNaN();
      expect(d[3]).toBeNaN();
      expect(Object.is(d[4], -0)).toBe(true);
      expect(d[5]).toBe(2);
      const m = run("mod", [t([5, -5, 5, -5, 5.5, 1e10, 3], [7]), t([3, 3, -3, -3, 2, 3, 0], [7])]).v;
      expect(m.slice(0, 6)).toEqual([2, 1, -1, -2, 1.5, Math.fround(1e10) % 3]);
      expect(m[6]).toBeNaN();
      const im = run("mod", [
        t([5, -5, 5, -5, -2147483648, 7], [6], "int32"),
        t([3, 3, -3, -3, -1, 0], [6], "int32"),
      ]).v;
      expect(im).toEqual([2, 1, -1, -2, 0, 0]);
    }));

  it("int32 arithmetic wraps like Int32Array", () =>
    tidy(() => {
      expect(run("add", [t([2147483647], [1], "int32"), t([1], [1], "int32")]).v).toEqual([-2147483648]);
      expect(run("mul", [t([65536], [1], "int32"), t([65536], [1], "int32")]).v).toEqual([0]);
      expect(run("neg", [t([-2147483648], [1], "int32")]).v).toEqual([-2147483648]);
    }));

  it("maximum/minimum propagate NaN; comparisons with NaN are false except notEqual", () =>
    tidy(() => {
      const a = t([NAN, 1, 2], [3]);
      const b = t([1, NAN, 1], [3]);
      const mx = run("maximum", [a, b]).v;
      expect(mx[0]).toBeNaN();
      expect(mx[1]).toBeNaN();
      expect(mx[2]).toBe(2);
      expect(run("less", [a, b]).v).toEqual([0, 0, 0]);
      expect(run("notEqual", [a, b]).v).toEqual([1, 1, 1]);
    }));

  it("casts: int32 → float32 rounds to nearest even, float32 → int32 saturates", () =>
    tidy(() => {
      expect(run("cast", [t([16777217, 16777219, -16777217], [3], "int32")], { dtype: "float32" }).v).toEqual(
        [16777216, 16777220, -16777216],
      );
      expect(run("cast", [t([3e9, -3e9, NAN, -2.7, 2.7], [5])], { dtype: "int32" }).v).toEqual([
        2147483647, -2147483648, 0, -2, 2,
      ]);
    }));
});

describe("movement, indexing and random", () => {
  it("concat of 20 parts runs in groups of textures", () =>
    tidy(() => {
      const parts = Array.from({ length: 20 }, (_, k) => t([k, k + 100], [1, 2]));
      const { v, t: out } = run("concat", parts, { axis: 0 });
      expect(out.shape).toEqual([20, 2]);
      expect(v).toEqual(Array.from({ length: 20 }, (_, k) => [k, k + 100]).flat());
    }));

  it("gather names the op and the bad index", () =>
    tidy(() => {
      const x = t([1, 2, 3], [3]);
      expect(() => runPrimitive("gather", [x, t([0, 3], [2], "int32")], { axis: 0 })).toThrow(ValueError);
      expect(() => runPrimitive("gather", [x, t([-1], [1], "int32")], { axis: 0 })).toThrow(
        /gather: index -1/,
      );
      expect(() => runPrimitive("scatterAdd", [x, t([0, 1, 5], [3], "int32")], { axis: 0, size: 2 })).toThrow(
        /scatterAdd: index 5/,
      );
    }));

  it("scatterAdd accumulates repeated indices in order", () =>
    tidy(() => {
      const { v } = run("scatterAdd", [t([1, 2, 3, 4, 5, 6], [3, 2]), t([2, 0, 2], [3], "int32")], {
        axis: 0,
        size: 4,
      });
      expect(v).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
    }));

  it("randomUniform gives philoxUniform's numbers bit for bit", () =>
    tidy(() => {
      for (const key of [
        [0, 0],
        [0xdeadbeef, 0xffffffff],
        [42, 7],
      ] as const) {
        const n = 10_007;
        const { v } = run("randomUniform", [], { shape: [n], dtype: "float32", key });
        const expected = new Float32Array(n);
        philoxUniform(key, n, expected);
        expect(v).toEqual(Array.from(expected));
      }
    }));

  it("matmul with a long inner dimension and broadcast batches", () =>
    tidy(() => {
      const [m, k, n] = [3, 700, 2];
      const a = Array.from({ length: 2 * m * k }, (_, i) => ((i * 7) % 13) - 6);
      const b = Array.from({ length: k * n }, (_, i) => ((i * 5) % 11) - 5);
      const { v, t: out } = run("matmul", [t(a, [2, m, k], "int32"), t(b, [1, k, n], "int32")], {
        transposeA: false,
        transposeB: false,
      });
      expect(out.shape).toEqual([2, m, n]);
      const ref: number[] = [];
      for (let bi = 0; bi < 2; bi++)
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let q = 0; q < k; q++) s += a[bi * m * k + i * k + q] * b[q * n + j];
            ref.push(s);
          }
      expect(v).toEqual(ref);
    }));
});

describe("the backend's resources", () => {
  it("a second run of a graph compiles no programs and the texture count stays flat", async () => {
    const b = await useWebGL();
    const step = () =>
      tidy(() => {
        const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
        const y = runPrimitive("matmul", [x, runPrimitive("transpose", [x], { perm: [1, 0] })], {
          transposeA: false,
          transposeB: false,
        });
        return runPrimitive("sum", [runPrimitive("exp", [y], {})], { axes: [0, 1] }).dataSync()[0];
      });
    step();
    const compiled = b.gpgpu.stats.programsCompiled;
    const textures = b.gpgpu.pool.numTextures;
    const tensors = memory().numTensors;
    for (let i = 0; i < 100; i++) step();
    expect(b.gpgpu.stats.programsCompiled).toBe(compiled);
    expect(b.gpgpu.pool.numTextures).toBe(textures);
    expect(memory().numTensors).toBe(tensors);
  });

  it("info() reports the renderer and limits", async () => {
    const info = (await useWebGL()).info();
    expect(info.renderer).toEqual(expect.any(String));
    expect(info.maxTextureSize).toBeGreaterThanOrEqual(4096);
    expect(info.textureUnits).toBeGreaterThanOrEqual(8);
  });

  it("refuses clearly without WebGL2 or without float render targets", () => {
    const proto = OffscreenCanvas.prototype as unknown as { getContext: (...args: unknown[]) => unknown };
    const original = proto.getContext;
    try {
      proto.getContext = () => null;
      expect(() => new WebGLBackend()).toThrow(BackendError);
      expect(() => new WebGLBackend()).toThrow(/WebGL2 is not available/);
      proto.getContext = function (this: OffscreenCanvas, ...args: unknown[]) {
        const gl = original.apply(this, args) as WebGL2RenderingContext;
        const getExtension = gl.getExtension.bind(gl);
        gl.getExtension = ((name: string) =>
          name === "EXT_color_buffer_float" ? null : getExtension(name)) as typeof gl.getExtension;
        return gl;
      };
      expect(() => new WebGLBackend()).toThrow(/EXT_color_buffer_float/);
    } finally {
      proto.getContext = original;
    }
  });

  it("a lost context gives ContextLostError, and pending reads are rejected", async () => {
    const b = new WebGLBackend();
    const x = b.write(new Float32Array([1, 2, 3]), "float32");
    const y = b.run(
      "exp",
      [{ buffer: x, shape: [3], dtype: "float32" }],
      {},
      { shape: [3], dtype: "float32" },
    );
    const pending = b.read(y, "float32", 3).then(
      () => null, // the read may finish before the loss
      (e: unknown) => e,
    );
    const ext = b.gpgpu.gl.getExtension("WEBGL_lose_context");
    expect(ext).not.toBeNull();
    ext!.loseContext();
    await new Promise((r) => setTimeout(r, 50));
    const error = await pending;
    if (error !== null) expect(error).toBeInstanceOf(ContextLostError);
    expect(() =>
      b.run("exp", [{ buffer: x, shape: [3], dtype: "float32" }], {}, { shape: [3], dtype: "float32" }),
    ).toThrow(ContextLostError);
    expect(() => b.write(new Float32Array([1]), "float32")).toThrow(ContextLostError);
  });
});
