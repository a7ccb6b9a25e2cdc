import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as ax from "../../ops/index.ts";
import type { Tensor } from "../../tensor.ts";
import { expectAllClose } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import { sizeOfShape } from "./helpers.ts";

/** An output shape and two input shapes that broadcast to it (dims dropped on the left or set to 1). */
const broadcastPair = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }).chain((out) =>
  fc.record({
    out: fc.constant(out),
    a: inputShapeOf(out),
    b: inputShapeOf(out),
    seed: fc.integer({ min: 0, max: 1000 }),
  }),
);

function inputShapeOf(out: number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(
      fc.integer({ min: 0, max: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    )
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

/** NumPy's broadcast of two shapes known to be compatible. */
function broadcastOf(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
}

/** Small integers: exact in every dtype, so the laws hold bit for bit. */
function values(shape: readonly number[], seed: number): number[] {
  return Array.from({ length: sizeOfShape(shape) }, (_, i) => ((i * 7 + seed * 13) % 19) - 9);
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });

export function propertyTests(ctx: ConformanceContext): void {
  const opts = { numRuns: ctx.numRuns };
  describe("properties", () => {
    it("binary ops equal their application to explicitly broadcast operands", () => {
      const fns: ((a: Tensor, b: Tensor) => Tensor)[] = [
        ax.add,
        ax.sub,
        ax.mul,
        ax.maximum,
        ax.minimum,
        ax.less,
      ];
      fc.assert(
        fc.property(broadcastPair, ({ a, b, seed }) => {
          const out = broadcastOf(a, b);
          const x = ax.tensor(values(a, seed), a);
          const y = ax.tensor(values(b, seed + 1), b);
          for (const f of fns) {
            const direct = f(x, y);
            expect(direct.shape).toEqual(out);
            const explicit = f(ax.broadcastTo(x, out), ax.broadcastTo(y, out));
            expectAllClose(direct, Array.from(explicit.dataSync()));
          }
        }),
        opts,
      );
    });

    it("add and mul commute; sub anti-commutes; a number is a broadcast scalar", () => {
      fc.assert(
        fc.property(broadcastPair, fc.integer({ min: -5, max: 5 }), ({ a, b, seed }, k) => {
          const x = ax.tensor(values(a, seed), a);
          const y = ax.tensor(values(b, seed + 2), b, "int32");
          expectAllClose(ax.add(x, y), Array.from(ax.add(y, x).dataSync()));
          expectAllClose(ax.mul(x, y), Array.from(ax.mul(y, x).dataSync()));
          expectAllClose(ax.sub(x, y), Array.from(ax.neg(ax.sub(y, x)).dataSync()));
          expectAllClose(ax.add(x, k), Array.from(ax.add(x, ax.tensor(k)).dataSync()));
        }),
        opts,
      );
    });

    it("reshape and transpose round trip", () => {
      fc.assert(
        fc.property(
          shapeArb.chain((shape) =>
            fc.record({
              shape: fc.constant(shape),
              perm: fc.shuffledSubarray(
                shape.map((_, i) => i),
                { minLength: shape.length, maxLength: shape.length },
              ),
              split: fc.integer({ min: 0, max: shape.length }),
            }),
          ),
          ({ shape, perm, split }) => {
            const data = values(shape, 3);
            const x = ax.tensor(data, shape);
            const lead = sizeOfShape(shape.slice(0, split));
            const flat = ax.reshape(x, [lead, -1]);
            expectAllClose(ax.reshape(flat, shape), data, undefined, shape);
            const t = ax.transpose(x, perm);
            expect(t.shape).toEqual(perm.map((p) => shape[p]));
            const inverse = perm.map((_, i) => perm.indexOf(i));
            expectAllClose(ax.transpose(t, inverse), data, undefined, shape);
            expectAllClose(ax.transpose(ax.transpose(x)), data, undefined, shape);
          },
        ),
        opts,
      );
    });

    it("split then concat, and unstack then stack, give the tensor back", () => {
      fc.assert(
        fc.property(
          shapeArb
            .filter((s) => s.length > 0)
            .chain((shape) =>
              fc.record({
                shape: fc.constant(shape),
                axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
              }),
            ),
          ({ shape, axis }) => {
            const data = values(shape, 5);
            const x = ax.tensor(data, shape);
            const a = axis < 0 ? axis + shape.length : axis;
            const parts = ax.split(x, shape[a], axis);
            expectAllClose(ax.concat(parts, axis), data, undefined, shape);
            expectAllClose(ax.stack(ax.unstack(x, axis), axis), data, undefined, shape);
          },
        ),
        opts,
      );
    });

    it("sum over all axes equals summing axis by axis", () => {
      fc.assert(
        fc.property(shapeArb, (shape) => {
          const x = ax.tensor(values(shape, 11), shape);
          let y = x;
          for (let i = shape.length - 1; i >= 0; i--) y = ax.sum(y, i);
          expectAllClose(ax.sum(x), Array.from(y.dataSync()), undefined, []);
        }),
        opts,
      );
    });
  });
}
