import type { Conv2DAttrs } from "@axon/core";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { CpuBackend } from "../backend.ts";
import { CONV_CHUNK } from "./conv.ts";
import { FAST_RUNS, type Operand, randomArray, runDirect } from "./testing.ts";

const fast = new CpuBackend();
const ref = new CpuBackend({ simd: false });

interface Geometry {
  n: number;
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  o: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  pad: [[number, number], [number, number]];
  seed: number;
}

function outSize(size: number, k: number, s: number, d: number, p0: number, p1: number): number {
  return Math.max(0, Math.floor((size + p0 + p1 - d * (k - 1) - 1) / s) + 1);
}

/**
 * Runs conv2d and both backprops on both backends; float32 accumulation over `terms` products errs
 * by at most about terms·2⁻²⁴·Σ|products|, checked against the same computation on absolute values.
 */
function check(g: Geometry): void {
  const oh = outSize(g.h, g.kh, g.sh, g.dh, g.pad[0][0], g.pad[0][1]);
  const ow = outSize(g.w, g.kw, g.sw, g.dw, g.pad[1][0], g.pad[1][1]);
  const attrs: Conv2DAttrs = { strides: [g.sh, g.sw], dilations: [g.dh, g.dw], padding: g.pad };
  const xs = [g.n, g.h, g.w, g.c];
  const fs = [g.kh, g.kw, g.c, g.o];
  const ys = [g.n, oh, ow, g.o];
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x: Operand = { values: randomArray(g.seed, size(xs)), shape: xs, dtype: "float32" };
  const f: Operand = { values: randomArray(g.seed + 1, size(fs)), shape: fs, dtype: "float32" };
  const dy: Operand = { values: randomArray(g.seed + 2, size(ys)), shape: ys, dtype: "float32" };
  const abs = (op: Operand): Operand => ({ ...op, values: Array.from(op.values, Math.abs) });
  const compare = (got: number[], want: number[], scale: number[], terms: number, what: string) => {
    expect(got.length, what).toBe(want.length);
    for (let i = 0; i < got.length; i++) {
      const bound = (terms + 2) * 2 ** -24 * scale[i] + 1e-30;
      if (!(Math.abs(got[i] - want[i]) <= bound))
        expect.fail(`${what} ${JSON.stringify(g)}: element ${i} is ${got[i]}, reference ${want[i]}`);
    }
  };
  const f32 = "float32" as const;
  const y = { shape: ys, dtype: f32 };
  compare(
    runDirect(fast, "conv2d", [x, f], attrs, y),
    runDirect(ref, "conv2d", [x, f], attrs, y),
    runDirect(ref, "conv2d", [abs(x), abs(f)], attrs, y),
    g.kh * g.kw * g.c,
    "conv2d",
  );
  const bi = { ...attrs, inputShape: xs };
  const dx = { shape: xs, dtype: f32 };
  compare(
    runDirect(fast, "conv2dBackpropInput", [dy, f], bi, dx),
    runDirect(ref, "conv2dBackpropInput", [dy, f], bi, dx),
    runDirect(ref, "conv2dBackpropInput", [abs(dy), abs(f)], bi, dx),
    g.kh * g.kw * g.o,
    "conv2dBackpropInput",
  );
  const bf = { ...attrs, filterShape: fs };
  const df = { shape: fs, dtype: f32 };
  compare(
    runDirect(fast, "conv2dBackpropFilter", [x, dy], bf, df),
    runDirect(ref, "conv2dBackpropFilter", [x, dy], bf, df),
    runDirect(ref, "conv2dBackpropFilter", [abs(x), abs(dy)], bf, df),
    g.n * oh * ow,
    "conv2dBackpropFilter",
  );
}

const base: Geometry = {
  n: 2,
  h: 7,
  w: 5,
  c: 3,
  kh: 3,
  kw: 3,
  o: 5,
  sh: 1,
  sw: 1,
  dh: 1,
  dw: 1,
  pad: [
    [1, 1],
    [1, 1],
  ],
  seed: 1,
};

describe("WebAssembly conv2d and its backprops (float32)", () => {
  afterEach(() => {
    CONV_CHUNK.floats = 2 ** 21;
  });

  it("same padding, valid padding, strides, dilations and 1×1 windows", () => {
    check(base);
    check({
      ...base,
      pad: [
        [0, 0],
        [0, 0],
      ],
    });
    check({ ...base, sh: 2, sw: 3, h: 9, w: 11 });
    check({ ...base, dh: 2, dw: 2, h: 9, w: 9 });
    check({
      ...base,
      kh: 1,
      kw: 1,
      pad: [
        [0, 0],
        [0, 0],
      ],
      c: 17,
      o: 33,
    });
    check({
      ...base,
      kh: 1,
      kw: 1,
      sh: 2,
      sw: 2,
      pad: [
        [0, 0],
        [0, 0],
      ],
    });
    check({
      ...base,
      n: 1,
      h: 1,
      w: 1,
      c: 1,
      kh: 1,
      kw: 1,
      o: 1,
      pad: [
        [0, 0],
        [0, 0],
      ],
    });
    check({
      ...base,
      c: 20,
      o: 37,
      kh: 5,
      kw: 2,
      pad: [
        [2, 1],
        [0, 3],
      ],
    });
  });

  it("the chunked paths (more im2col rows than one chunk) give the same values", () => {
    CONV_CHUNK.floats = 100;
    check({ ...base, n: 3, h: 9, w: 8, c: 4, o: 6 });
    check({ ...base, n: 3, h: 9, w: 8, c: 4, o: 6, sh: 2, sw: 2 });
  });

  it("empty batches and channels", () => {
    check({ ...base, n: 0 });
    check({ ...base, o: 0 });
    check({ ...base, c: 0 });
  });

  it("matches the reference on random geometries", () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 3 }),
          h: fc.integer({ min: 1, max: 9 }),
          w: fc.integer({ min: 1, max: 9 }),
          c: fc.integer({ min: 1, max: 7 }),
          kh: fc.integer({ min: 1, max: 4 }),
          kw: fc.integer({ min: 1, max: 4 }),
          o: fc.integer({ min: 1, max: 19 }),
          sh: fc.integer({ min: 1, max: 3 }),
          sw: fc.integer({ min: 1, max: 3 }),
          dh: fc.integer({ min: 1, max: 2 }),
          dw: fc.integer({ min: 1, max: 2 }),
          pad: fc.tuple(
            fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
            fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
          ),
          seed: fc.integer({ min: 0, max: 1 << 30 }),
        }),
        (g) => check(g),
      ),
      { numRuns: FAST_RUNS },
    );
  });
});
