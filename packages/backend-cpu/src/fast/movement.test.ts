import { DTYPES, type DType } from "@axon/core";
import fc from "fast-check";
import { describe, it } from "vitest";
import { CpuBackend } from "../backend.ts";
import { shapeArb } from "../testUtil.ts";
import { FAST_RUNS, type Operand, expectSame, runDirect, sizeOfShape, valuesFor } from "./testing.ts";

// transpose and broadcastTo: the WebAssembly kernels against the JavaScript reference, every dtype.
const fast = new CpuBackend({ threads: 1 });
const ref = new CpuBackend({ simd: false });

function input(dtype: DType, shape: number[], seed: number): Operand {
  // Distinct values (positions) where the dtype can hold them, so any misplaced element shows.
  const n = sizeOfShape(shape);
  const values =
    dtype === "bool"
      ? valuesFor("bool", seed, n)
      : Array.from({ length: n }, (_, i) => (i % 2 ? -i : i) + 0.5 * (seed % 2));
  return { values: dtype === "int32" ? values.map(Math.trunc) : values, shape, dtype };
}

function checkTranspose(shape: number[], perm: number[], dtype: DType): void {
  const x = input(dtype, shape, shape.length);
  const out = { shape: perm.map((p) => shape[p]), dtype };
  const what = `transpose ${dtype}[${shape}] by [${perm}]`;
  expectSame(
    runDirect(fast, "transpose", [x], { perm }, out),
    runDirect(ref, "transpose", [x], { perm }, out),
    what,
  );
}

function checkBroadcast(shape: number[], to: number[], dtype: DType): void {
  const x = input(dtype, shape, 3);
  const out = { shape: to, dtype };
  const what = `broadcastTo ${dtype}[${shape}] → [${to}]`;
  expectSame(
    runDirect(fast, "broadcastTo", [x], { shape: to }, out),
    runDirect(ref, "broadcastTo", [x], { shape: to }, out),
    what,
  );
}

const permutationArb = (rank: number) =>
  fc.shuffledSubarray(
    Array.from({ length: rank }, (_, i) => i),
    { minLength: rank, maxLength: rank },
  );

describe("WebAssembly transpose", () => {
  it("matches the reference on random shapes and permutations (ranks 0–5, every dtype)", () => {
    fc.assert(
      fc.property(
        shapeArb(5, 6).chain((shape) =>
          fc.tuple(fc.constant(shape), permutationArb(shape.length), fc.constantFrom(...DTYPES)),
        ),
        ([shape, perm, dtype]) => checkTranspose(shape, perm, dtype),
      ),
      { numRuns: FAST_RUNS * 4 },
    );
  });

  it("matrices past the cache blocks and register tiles, batched and permuted forms", () => {
    const cases: [number[], number[]][] = [
      [
        [1, 1],
        [1, 0],
      ],
      [
        [0, 5],
        [1, 0],
      ],
      [
        [3, 5],
        [1, 0],
      ],
      [
        [4, 4],
        [1, 0],
      ],
      [
        [31, 33],
        [1, 0],
      ],
      [
        [64, 64],
        [1, 0],
      ],
      [
        [65, 130],
        [1, 0],
      ],
      [
        [129, 7],
        [1, 0],
      ],
      [
        [3, 67, 35],
        [0, 2, 1],
      ],
      [
        [3, 67, 35],
        [2, 1, 0],
      ],
      [
        [3, 67, 35],
        [1, 0, 2],
      ],
      [
        [2, 9, 11, 5],
        [0, 3, 1, 2],
      ],
      [
        [2, 9, 11, 5],
        [0, 2, 3, 1],
      ],
      [
        [2, 3, 4, 5, 6],
        [4, 2, 0, 3, 1],
      ],
      [
        [1, 70, 1, 33],
        [3, 2, 1, 0],
      ],
    ];
    for (const dtype of DTYPES) for (const [shape, perm] of cases) checkTranspose(shape, perm, dtype);
  });
});

describe("WebAssembly broadcastTo", () => {
  it("matches the reference on random broadcasts (every dtype)", () => {
    fc.assert(
      fc.property(
        shapeArb(4, 5).chain((to) =>
          fc.tuple(
            fc.constant(to),
            fc.integer({ min: 0, max: to.length }),
            fc.array(fc.boolean(), { minLength: to.length, maxLength: to.length }),
            fc.constantFrom(...DTYPES),
          ),
        ),
        ([to, drop, ones, dtype]) => {
          const shape = to.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
          checkBroadcast(shape, to, dtype);
        },
      ),
      { numRuns: FAST_RUNS * 4 },
    );
  });

  it("rows copied and rows filled, past the vector blocks", () => {
    const cases: [number[], number[]][] = [
      [[], [1029]],
      [[1], [17]],
      [[1029], [3, 1029]],
      [
        [5, 1],
        [5, 37],
      ],
      [
        [1, 37],
        [6, 37],
      ],
      [
        [3, 1, 17],
        [3, 4, 17],
      ],
      [
        [1, 4, 1],
        [5, 4, 19],
      ],
      [[2], [0, 2]],
    ];
    for (const dtype of DTYPES) for (const [shape, to] of cases) checkBroadcast(shape, to, dtype);
  });
});
