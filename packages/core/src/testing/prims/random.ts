import fc from "fast-check";
import { expect } from "vitest";
import type { DType } from "../../dtype.ts";
import { runPrimitive as run } from "../../engine.ts";
import { DTypeError, ShapeError, ValueError } from "../../errors.ts";
import { philoxUniform } from "../../random/philox.ts";
import { expectTensor } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import { FLOATS, dtypeTest, expectError, property, shapeArb, test, values } from "../harness.ts";
import { size } from "../reference.ts";

const KEYS: readonly (readonly [number, number])[] = [
  [0, 0],
  [42, 7],
  [0xffffffff, 0xffffffff],
  [0x243f6a88, 0x85a308d3],
];

function philox(key: readonly [number, number], n: number): number[] {
  const out = new Array<number>(n);
  philoxUniform(key, n, out);
  return out;
}

export function randomTests(ctx: ConformanceContext): void {
  dtypeTest(ctx, FLOATS, "randomUniform(key) is philoxUniform(key, n) exactly", (dtype) => {
    for (const key of KEYS) {
      for (const shape of [[], [1], [3], [4], [7], [2, 3, 5], [1, 2, 1, 3, 1, 2], [1000]]) {
        const y = run("randomUniform", [], { shape, dtype, key });
        expectTensor(y, { dtype, shape, values: philox(key, size(shape)) });
      }
    }
  });

  dtypeTest(ctx, FLOATS, "size-0 shapes", (dtype) => {
    for (const shape of [[0], [3, 0], [0, 2, 2]]) {
      expectTensor(run("randomUniform", [], { shape, dtype, key: [1, 2] }), { dtype, shape, values: [] });
    }
  });

  dtypeTest(ctx, FLOATS, "values lie in [0, 1); the same key repeats, another key differs", (dtype) => {
    const a = values(run("randomUniform", [], { shape: [4096], dtype, key: [9, 9] }));
    const b = values(run("randomUniform", [], { shape: [4096], dtype, key: [9, 9] }));
    const c = values(run("randomUniform", [], { shape: [4096], dtype, key: [9, 10] }));
    expect(a).toEqual(b);
    expect(a.filter((v, i) => v === c[i]).length).toBeLessThan(10);
    for (const v of a) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
  });

  dtypeTest(
    ctx,
    ["float32"],
    "float32 and float64 draws agree (the mapping is exact in float32)",
    () => {
      const a = values(run("randomUniform", [], { shape: [257], dtype: "float32", key: [3, 4] }));
      const b = values(run("randomUniform", [], { shape: [257], dtype: "float64", key: [3, 4] }));
      expect(a).toEqual(b);
    },
    ["float64"],
  );

  test("errors", () => {
    expectError(
      () => run("randomUniform", [], { shape: [2], dtype: "int32", key: [1, 2] }),
      DTypeError,
      /^randomUniform: dtype must be float32 or float64, got int32/,
    );
    expectError(
      () => run("randomUniform", [], { shape: [2], dtype: "bool", key: [1, 2] }),
      DTypeError,
      /^randomUniform: dtype must be float32 or float64, got bool/,
    );
    expectError(
      () =>
        run("randomUniform", [], { shape: [2], dtype: "float32", key: [1] as unknown as [number, number] }),
      ValueError,
      /^randomUniform: key must be two unsigned 32-bit integers, got \[1\]/,
    );
    expectError(
      () => run("randomUniform", [], { shape: [2], dtype: "float32", key: [-1, 0] }),
      ValueError,
      /^randomUniform: key must be two unsigned 32-bit integers, got \[-1,0\]/,
    );
    expectError(
      () => run("randomUniform", [], { shape: [2], dtype: "float32", key: [2 ** 32, 0] }),
      ValueError,
      /^randomUniform: key must be two unsigned 32-bit integers/,
    );
    expectError(
      () => run("randomUniform", [], { shape: [-2], dtype: "float32", key: [1, 2] }),
      ShapeError,
      /^randomUniform: shape must hold non-negative integers, got \[-2\]/,
    );
  });

  property(
    ctx,
    "randomUniform matches philoxUniform for random keys and shapes",
    fc.record({
      shape: shapeArb(0, 4, 0, 5),
      key: fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })),
      dtype: fc.constantFrom<DType>("float32", "float64"),
    }),
    ({ shape, key, dtype }) => {
      if (!ctx.dtypes().includes(dtype)) return;
      expectTensor(run("randomUniform", [], { shape, dtype, key }), {
        dtype,
        shape,
        values: philox(key, size(shape)),
      });
    },
  );
}
