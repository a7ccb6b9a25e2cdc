import { describe, expect, it } from "vitest";
import { type Interpreter, isDebugMode, memory, setDebugMode, tidy, withInterpreter } from "../../engine.ts";
import { DisposedError } from "../../errors.ts";
import * as ax from "../../ops/index.ts";
import { Tensor } from "../../tensor.ts";
import type { ConformanceContext } from "../context.ts";
import { expectError } from "./helpers.ts";

/** Passes every primitive on and remembers it with its inputs, as a tape or tracer would. */
class Recorder implements Interpreter {
  readonly seen: { prim: string; inputs: readonly Tensor[] }[] = [];
  apply<P extends never>(
    prim: P,
    inputs: readonly Tensor[],
    _attrs: unknown,
    _out: unknown,
    next: (inputs: readonly Tensor[]) => Tensor,
  ): Tensor {
    this.seen.push({ prim, inputs });
    return next(inputs);
  }
}

export function scopeTests(_ctx: ConformanceContext): void {
  describe("ops and the engine", () => {
    it("composite ops release their intermediates and leave one tensor", () => {
      const x = ax.tensor([
        [1, 2],
        [3, 4],
      ]);
      const ops: (() => unknown)[] = [
        () => ax.softmax(x),
        () => ax.logSumExp(x, 1),
        () => ax.moments(x, 0),
        () => ax.gelu(x),
        () => ax.floorDiv(ax.tensor([7], undefined, "int32"), 2),
        () => ax.truncatedNormal([3], { seed: 1 }),
        () => ax.oneHot([0, 1], 3),
      ];
      for (const op of ops) {
        const before = memory().numTensors;
        const out = op();
        const made = out instanceof Tensor ? 1 : 2;
        // The int32 literal of floorDiv is one more tensor of the caller's.
        const extra = op === ops[4] ? 1 : 0;
        expect(memory().numTensors - before).toBe(made + extra);
      }
    });

    it("with an interpreter recording, every primitive is seen and its inputs stay alive", () => {
      const x = ax.tensor([1, 2, 3]);
      const rec = new Recorder();
      const y = withInterpreter(rec as unknown as Interpreter, () => ax.softmax(x));
      const prims = rec.seen.map((s) => s.prim);
      for (const p of ["max", "sub", "exp", "sum", "div"]) expect(prims).toContain(p);
      for (const s of rec.seen) for (const t of s.inputs) expect(t.isDisposed).toBe(false);
      expect(y.shape).toEqual([3]);
    });

    it("in debug mode, numerically careful ops make no NaN or Inf from finite inputs", () => {
      const was = isDebugMode();
      setDebugMode(true);
      try {
        const x = ax.tensor([
          [1000, -1000, 0],
          [-1000, -1000, 3],
        ]);
        for (const f of [
          ax.softmax,
          ax.logSoftmax,
          ax.softplus,
          ax.logSigmoid,
          ax.elu,
          ax.selu,
          ax.sigmoid,
          ax.gelu,
          ax.swish,
        ]) {
          expect(f(x).shape).toEqual([2, 3]);
        }
        ax.logSumExp(x, 1);
        ax.moments(x, 1);
        ax.randomNormal([1000], { seed: 1 });
        ax.truncatedNormal([1000], { seed: 2 });
      } finally {
        setDebugMode(was);
      }
    });

    it("results survive tidy when returned, and ops on a disposed tensor fail", () => {
      const y = tidy(() => ax.softmax(ax.tensor([1, 2])));
      expect(y.isDisposed).toBe(false);
      const x = ax.tensor([1, 2]);
      x.dispose();
      expectError(() => ax.add(x, 1), DisposedError, "add", ["disposed"]);
    });
  });
}
