import { describe, expect, it } from "vitest";
import { bytesPerElement } from "../dtype.ts";
import {
  type Interpreter,
  dispose,
  getBackend,
  isDebugMode,
  keep,
  makeTensor,
  memory,
  runPrimitive as run,
  setDebugMode,
  tidy,
  withInterpreter,
} from "../engine.ts";
import { AxonError, DTypeError, DisposedError, NumericsError, ValueError } from "../errors.ts";
import type { PrimAttrs, PrimName, TensorSpec } from "../primitives/index.ts";
import type { Tensor } from "../tensor.ts";
import { expectTensor } from "./allclose.ts";
import type { ConformanceContext } from "./context.ts";
import { ALL, dtypeTest, expectDTypesRefused, expectError, tensor, values } from "./harness.ts";
import type { Backend } from "../backend.ts";

interface Counts {
  numTensors: number;
  numBytes: number;
  numBuffers: number;
}

/** This backend's counters in `memory()` (zero before it has held anything). */
function counts(): Counts {
  const c = memory().backends[getBackend().name];
  return c ? { ...c } : { numTensors: 0, numBytes: 0, numBuffers: 0 };
}

function gcOrFail(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") {
    throw new Error(
      "engine: globalThis.gc is not available, so release by garbage collection cannot be checked; run the suite with --expose-gc (node: execArgv ['--expose-gc']; Chromium: --js-flags=--expose-gc)",
    );
  }
  return gc;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Collects garbage and lets finalizers run until `done()` holds or the attempts run out. */
async function collectUntil(done: () => boolean, attempts = 50): Promise<void> {
  const gc = gcOrFail();
  for (let i = 0; i < attempts && !done(); i++) {
    gc();
    await tick();
    await tick();
  }
}

/** Settles pending finalizers so that a baseline is not lowered by garbage from earlier tests. */
async function settled(): Promise<Counts> {
  let prev = counts();
  for (let i = 0; i < 10; i++) {
    gcOrFail()();
    await tick();
    const now = counts();
    if (now.numTensors === prev.numTensors && i > 1) return now;
    prev = now;
  }
  return prev;
}

/** Makes tensors and drops them; kept out of line so that nothing in the caller's frame holds them. */
function makeGarbage(n: number): void {
  for (let i = 0; i < n; i++) tensor([i, i + 1, i + 2], [3]);
}

function addLoop(steps: number): number {
  let x = tensor([0, 0], [2]);
  const one = tensor([1, 1], [2]);
  for (let i = 0; i < steps; i++) x = run("add", [x, one], {});
  return values(x)[0];
}

interface Seen {
  prim: PrimName;
  attrs: unknown;
  inputs: number[][];
  out: TensorSpec;
}

/** Records every application and hands it on unchanged. */
class Recorder implements Interpreter {
  readonly seen: Seen[] = [];
  constructor(
    readonly log?: string[],
    readonly label = "",
  ) {}
  apply<P extends PrimName>(
    prim: P,
    inputs: readonly Tensor[],
    attrs: PrimAttrs[P],
    out: TensorSpec,
    next: (inputs: readonly Tensor[]) => Tensor,
  ): Tensor {
    this.seen.push({ prim, attrs, inputs: inputs.map((t) => [...t.shape]), out });
    this.log?.push(`${this.label}:${prim}`);
    return next(inputs);
  }
}

export function engineTests(ctx: ConformanceContext): void {
  describe("engine", () => {
    describe("tensors", () => {
      it("metadata: shape, dtype, size, rank, backend", () => {
        const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
        expect(x.shape).toEqual([2, 3]);
        expect(x.dtype).toBe("float32");
        expect(x.size).toBe(6);
        expect(x.rank).toBe(2);
        expect(x.backend).toBe(getBackend().name);
        const s = tensor([7], [], "int32");
        expect([s.shape, s.size, s.rank, s.dtype]).toEqual([[], 1, 0, "int32"]);
        const e = tensor([], [3, 0, 2], "bool");
        expect([e.size, e.rank]).toEqual([0, 3]);
        const six = tensor(new Array(64).fill(0), [2, 2, 2, 2, 2, 2]);
        expect([six.size, six.rank]).toEqual([64, 6]);
        dispose([x, s, e, six]);
      });

      for (const dtype of ALL) {
        it(`dataSync, data, array and arrayAsync read the same values [${dtype}]`, async () => {
          if (!ctx.dtypes().includes(dtype)) return expectDTypesRefused([dtype]);
          const src = dtype === "bool" ? [1, 0, 1, 1, 0, 0] : [1, -2, 3, 0, 5, -6];
          const x = tensor(src, [2, 3], dtype);
          const kind = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array }[
            dtype
          ];
          expect(x.dataSync()).toBeInstanceOf(kind);
          expect(Array.from(x.dataSync())).toEqual(src);
          const nested =
            dtype === "bool"
              ? [
                  [true, false, true],
                  [true, false, false],
                ]
              : [
                  [1, -2, 3],
                  [0, 5, -6],
                ];
          expect(x.array()).toEqual(nested);
          const d = await x.data();
          expect(d).toBeInstanceOf(kind);
          expect(Array.from(d)).toEqual(src);
          expect(await x.arrayAsync()).toEqual(nested);
          x.dispose();
        });
      }

      it("array() of a scalar is a number, of a bool scalar a boolean, of an empty tensor []", async () => {
        expect(tensor([2.5], []).array()).toBe(2.5);
        expect(tensor([1], [], "bool").array()).toBe(true);
        expect(tensor([0], [], "bool").array()).toBe(false);
        expect(await tensor([3], [], "int32").arrayAsync()).toBe(3);
        expect(tensor([], [0]).array()).toEqual([]);
        expect(tensor([], [2, 0]).array()).toEqual([[], []]);
      });

      it("makeTensor copies its input and dataSync returns a copy", () => {
        const src = new Float32Array([1, 2, 3]);
        const x = tensor(src, [3]);
        src[0] = 100;
        expect(values(x)).toEqual([1, 2, 3]);
        const read = x.dataSync();
        read[1] = 100;
        expect(values(x)).toEqual([1, 2, 3]);
        x.dispose();
      });

      it("a dtype the backend does not list is refused when the tensor is made", () => {
        const missing = ALL.filter((d) => !ctx.dtypes().includes(d));
        for (const d of missing) {
          expectError(
            () => tensor([1], [1], d),
            DTypeError,
            new RegExp(`^tensor: backend '${getBackend().name}' does not support dtype ${d}`),
          );
        }
        // A view of the same backend that lists only float32 shows the refusal on every backend.
        const real = getBackend();
        const narrow = Object.assign(Object.create(real) as Backend, {
          name: `${real.name}-float32-only`,
          dtypes: ["float32"],
        });
        expectError(
          () => makeTensor(new Int32Array(1), [1], "int32", narrow),
          DTypeError,
          new RegExp(`^tensor: backend '${real.name}-float32-only' does not support dtype int32`),
        );
      });
    });

    describe("dispose", () => {
      it("dispose twice is safe and counts once", () => {
        const before = counts();
        const x = tensor([1, 2], [2]);
        expect(counts().numTensors).toBe(before.numTensors + 1);
        x.dispose();
        x.dispose();
        expect(x.isDisposed).toBe(true);
        expect(counts()).toEqual(before);
      });

      it("a disposed tensor used in an op throws DisposedError naming the op", async () => {
        const x = tensor([1, 2], [2]);
        const y = tensor([3, 4], [2]);
        y.dispose();
        expectError(
          () => run("add", [x, y], {}),
          DisposedError,
          /^add: input 1 \(shape \[2\]\) was disposed/,
        );
        expectError(() => run("exp", [y], {}), DisposedError, /^exp: input 0 \(shape \[2\]\) was disposed/);
        expectError(() => y.dataSync(), DisposedError, /^dataSync: the tensor of shape \[2\] was disposed/);
        await expect(y.data()).rejects.toThrow(DisposedError);
        expect(y.toString()).toMatch(/disposed/);
        x.dispose();
      });

      it("dispose() of a tree releases every tensor in it", () => {
        const before = counts();
        const a = tensor([1], [1]);
        const b = tensor([2], [1]);
        const c = tensor([3], [1]);
        dispose({ a, list: [b, { c }], n: 3 });
        expect([a.isDisposed, b.isDisposed, c.isDisposed]).toEqual([true, true, true]);
        expect(counts()).toEqual(before);
      });

      it("`using` releases a tensor at the end of its block", () => {
        const before = counts();
        let held: Tensor;
        {
          using t = tensor([1, 2, 3], [3]);
          held = t;
          expect(counts().numTensors).toBe(before.numTensors + 1);
        }
        expect(held.isDisposed).toBe(true);
        expect(counts()).toEqual(before);
      });
    });

    describe("memory", () => {
      dtypeTest(ctx, ALL, "counts tensors, buffers and bytes per backend", (dtype) => {
        const before = counts();
        const x = tensor(new Array(6).fill(1), [2, 3], dtype);
        const after = counts();
        expect(after.numTensors - before.numTensors).toBe(1);
        expect(after.numBuffers - before.numBuffers).toBe(1);
        expect(after.numBytes - before.numBytes).toBe(6 * bytesPerElement(dtype));
        const m = memory();
        const sum = Object.values(m.backends).reduce((s, c) => s + c.numTensors, 0);
        expect(m.numTensors).toBe(sum);
        x.dispose();
        expect(counts()).toEqual(before);
      });

      it("an op's output is one more tensor and buffer", () => {
        const x = tensor([1, 2, 3], [3]);
        const before = counts();
        const y = run("exp", [x], {});
        expect(counts().numTensors).toBe(before.numTensors + 1);
        expect(counts().numBuffers).toBe(before.numBuffers + 1);
        expect(counts().numBytes).toBe(before.numBytes + 12);
        dispose([x, y]);
      });

      it("reshape shares one buffer between two tensors, freed when both are gone", () => {
        const before = counts();
        const x = tensor([1, 2, 3, 4], [4]);
        const y = run("reshape", [x], { shape: [2, 2] });
        const z = run("reshape", [y], { shape: [4, 1] });
        expect(counts()).toEqual({
          numTensors: before.numTensors + 3,
          numBuffers: before.numBuffers + 1,
          numBytes: before.numBytes + 16,
        });
        x.dispose();
        y.dispose();
        expect(values(z)).toEqual([1, 2, 3, 4]);
        expect(counts().numBuffers).toBe(before.numBuffers + 1);
        z.dispose();
        expect(counts()).toEqual(before);
      });
    });

    describe("tidy", () => {
      it("disposes intermediates and keeps the returned tensor", () => {
        const before = counts();
        const a = tensor([1, 2], [2]);
        let inner: Tensor[] = [];
        const out = tidy(() => {
          const b = run("exp", [a], {});
          const c = run("add", [b, a], {});
          inner = [b];
          return run("mul", [c, c], {});
        });
        expect(inner[0].isDisposed).toBe(true);
        expect(a.isDisposed).toBe(false);
        expect(out.isDisposed).toBe(false);
        expect(counts().numTensors).toBe(before.numTensors + 2);
        dispose([a, out]);
        expect(counts()).toEqual(before);
      });

      it("keeps every tensor of a returned tree of arrays, objects and Maps", () => {
        const before = counts();
        const dropped: Tensor[] = [];
        const tree = tidy(() => {
          dropped.push(tensor([0], [1]));
          return {
            a: tensor([1], [1]),
            list: [tensor([2], [1]), { deep: tensor([3], [1]) }],
            map: new Map([["m", tensor([4], [1])]]),
            n: 5,
          };
        });
        expect(dropped[0].isDisposed).toBe(true);
        const kept = [
          tree.a,
          tree.list[0] as Tensor,
          (tree.list[1] as { deep: Tensor }).deep,
          tree.map.get("m")!,
        ];
        expect(kept.map((t) => t.isDisposed)).toEqual([false, false, false, false]);
        expect(counts().numTensors).toBe(before.numTensors + 4);
        dispose(kept);
        expect(counts()).toEqual(before);
      });

      it("keep() exempts a tensor from this and every enclosing tidy", () => {
        const k = tidy(() => {
          let inner: Tensor | undefined;
          tidy(() => {
            inner = keep(tensor([1], [1]));
          });
          return { inner: inner! };
        });
        expect(k.inner.isDisposed).toBe(false);
        const again = tidy(() => {
          const t = keep(tensor([2], [1]));
          tidy(() => run("neg", [t], {}));
          return [];
        });
        expect(again).toEqual([]);
        k.inner.dispose();
      });

      it("nested tidy: the inner result lives until the outer scope ends", () => {
        const before = counts();
        const seen: Tensor[] = [];
        const out = tidy(() => {
          const innerResult = tidy(() => {
            seen.push(tensor([1], [1]));
            return tensor([2], [1]);
          });
          seen.push(innerResult);
          expect(seen[0].isDisposed).toBe(true);
          expect(innerResult.isDisposed).toBe(false);
          return run("neg", [innerResult], {});
        });
        expect(seen[1].isDisposed).toBe(true);
        expect(values(out)).toEqual([-2]);
        out.dispose();
        expect(counts()).toEqual(before);
      });

      it("a tensor made outside tidy survives it", () => {
        const x = tensor([1], [1]);
        tidy(() => run("neg", [x], {}));
        expect(x.isDisposed).toBe(false);
        x.dispose();
      });

      it("a function that throws still has its tensors cleaned up", () => {
        const before = counts();
        const made: Tensor[] = [];
        expect(() =>
          tidy(() => {
            made.push(tensor([1, 2], [2]));
            made.push(run("exp", [made[0]], {}));
            throw new Error("boom");
          }),
        ).toThrow("boom");
        expect(made.map((t) => t.isDisposed)).toEqual([true, true]);
        expect(counts()).toEqual(before);
        // The scope was popped: a later tensor is not tracked by the failed tidy.
        const later = tensor([1], [1]);
        expect(later.isDisposed).toBe(false);
        later.dispose();
      });

      it("refuses an async function and a non-function", () => {
        expect(() => tidy(async () => 1)).toThrow(ValueError);
        expect(() => tidy(async () => 1)).toThrow(/^tidy: fn returned a Promise/);
        expect(() => tidy(3 as unknown as () => void)).toThrow(/^tidy: expected a function, got number/);
      });
    });

    describe("garbage collection", () => {
      it("tensors dropped without dispose are released", async () => {
        const base = await settled();
        makeGarbage(200);
        expect(counts().numTensors).toBeGreaterThanOrEqual(base.numTensors + 200);
        await collectUntil(() => counts().numTensors <= base.numTensors);
        const now = counts();
        expect(now.numTensors, "tensors still counted after gc").toBeLessThanOrEqual(base.numTensors);
        expect(now.numBuffers).toBeLessThanOrEqual(base.numBuffers);
        expect(now.numBytes).toBeLessThanOrEqual(base.numBytes);
      });

      it("2,000 op applications without tidy keep the tensor count bounded", async () => {
        const base = await settled();
        expect(addLoop(2000)).toBe(2000);
        await collectUntil(() => counts().numTensors <= base.numTensors + 2);
        expect(counts().numTensors - base.numTensors).toBeLessThanOrEqual(2);
      });
    });

    describe("interpreters", () => {
      it("a recording interpreter sees every primitive with its attrs and delegates to next", () => {
        const rec = new Recorder();
        const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
        const out = withInterpreter(rec, () => {
          const y = run("exp", [x], {});
          const s = run("sum", [y], { axes: [1] });
          const r = run("reshape", [s], { shape: [1, 2] });
          return run("cast", [r], { dtype: "int32" });
        });
        expect(rec.seen.map((s) => s.prim)).toEqual(["exp", "sum", "reshape", "cast"]);
        expect(rec.seen.map((s) => s.attrs)).toEqual([
          {},
          { axes: [1] },
          { shape: [1, 2] },
          { dtype: "int32" },
        ]);
        expect(rec.seen.map((s) => s.inputs)).toEqual([[[2, 3]], [[2, 3]], [[2]], [[1, 2]]]);
        expect(rec.seen.map((s) => [s.out.shape, s.out.dtype])).toEqual([
          [[2, 3], "float32"],
          [[2], "float32"],
          [[1, 2], "float32"],
          [[1, 2], "int32"],
        ]);
        // e + e² + e³ ≈ 30.19 and e⁴ + e⁵ + e⁶ ≈ 606.4, truncated by the cast.
        expectTensor(out, { dtype: "int32", shape: [1, 2], values: [30, 606] });
        // Popped afterwards.
        run("neg", [x], {});
        expect(rec.seen.length).toBe(4);
      });

      it("sees nullary primitives and variadic inputs", () => {
        const rec = new Recorder();
        withInterpreter(rec, () => {
          run("randomUniform", [], { shape: [2], dtype: "float32", key: [1, 2] });
          const a = tensor([1], [1]);
          run("concat", [a, a, a], { axis: 0 });
        });
        expect(rec.seen.map((s) => [s.prim, s.inputs.length])).toEqual([
          ["randomUniform", 0],
          ["concat", 3],
        ]);
      });

      it("the innermost interpreter sees an application first", () => {
        const log: string[] = [];
        const outer = new Recorder(log, "outer");
        const inner = new Recorder(log, "inner");
        withInterpreter(outer, () => withInterpreter(inner, () => run("neg", [tensor([1], [1])], {})));
        expect(log).toEqual(["inner:neg", "outer:neg"]);
      });

      it("an interpreter may replace inputs or the result", () => {
        const doubleInputs: Interpreter = {
          apply(prim, inputs, _attrs, _out, next) {
            return prim === "neg" ? next(inputs.map((t) => run("add", [t, t], {}))) : next(inputs);
          },
        };
        const y = withInterpreter(doubleInputs, () => run("neg", [tensor([1, 2], [2])], {}));
        expect(values(y)).toEqual([-2, -4]);
        const constant = tensor([42], [1]);
        const replace: Interpreter = { apply: () => constant };
        expect(withInterpreter(replace, () => run("exp", [tensor([0], [1])], {}))).toBe(constant);
      });

      it("is popped when the function throws, and never sees an application that fails validation", () => {
        const rec = new Recorder();
        const x = tensor([1, 2], [2]);
        expect(() => withInterpreter(rec, () => run("add", [x, tensor([1, 2, 3], [3])], {}))).toThrow(
          /^add: shapes/,
        );
        expect(rec.seen).toEqual([]);
        run("neg", [x], {});
        expect(rec.seen).toEqual([]);
      });
    });

    describe("debug mode", () => {
      it("names the primitive that turns finite inputs into NaN or Inf", () => {
        const previous = isDebugMode();
        setDebugMode(true);
        try {
          expect(isDebugMode()).toBe(true);
          expectError(
            () => run("log", [tensor([1, 0], [2])], {}),
            NumericsError,
            /^log: produced -Infinity at flat index 1 of an output of shape \[2\]/,
          );
          expectError(
            () => run("div", [tensor([0], [1]), tensor([0], [1])], {}),
            NumericsError,
            /^div: produced NaN at flat index 0/,
          );
          // NaN already in the input is not the primitive's fault.
          expect(values(run("log", [tensor([Number.NaN, 1], [2])], {}))).toEqual([Number.NaN, 0]);
          expect(values(run("exp", [tensor([Number.POSITIVE_INFINITY], [1])], {}))).toEqual([
            Number.POSITIVE_INFINITY,
          ]);
          // Integer outputs are not checked.
          expect(
            values(run("add", [tensor([2147483647], [1], "int32"), tensor([1], [1], "int32")], {})),
          ).toEqual([-2147483648]);
        } finally {
          setDebugMode(previous);
        }
        expect(isDebugMode()).toBe(previous);
        if (!previous) expect(values(run("log", [tensor([0], [1])], {}))).toEqual([Number.NEGATIVE_INFINITY]);
      });
    });

    describe("dispatch errors", () => {
      it("wrong arity, non-tensor inputs and unknown primitives", () => {
        const x = tensor([1], [1]);
        expectError(() => run("add", [x], {}), ValueError, /^add: expected 2 tensor inputs, got 1/);
        expectError(
          () => run("add", [x, 3 as unknown as Tensor], {}),
          ValueError,
          /^add: input 1 must be a Tensor, got number/,
        );
        expectError(
          () => run("nope" as PrimName, [x], {} as never),
          AxonError,
          /^runPrimitive: unknown primitive 'nope'/,
        );
        x.dispose();
      });
    });
  });
}
