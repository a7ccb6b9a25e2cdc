import { valueAndGrad } from "@axon/autograd";
import { type FloatDType, Parameter, type Tensor, tensor } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Adam } from "./adam.ts";
import { AdamW } from "./adamw.ts";
import { Momentum } from "./momentum.ts";
import type { Optimizer, OptimizerStateDict } from "./optimizer.ts";
import { RMSProp } from "./rmsprop.ts";
import { cosineDecay, exponentialDecay } from "./schedules.ts";
import { SGD } from "./sgd.ts";
import { NUM_RUNS, bits, mlp, param, useCpuBackend, values } from "./test-helpers.ts";

const dtypeArb = fc.constantFrom<FloatDType>("float64", "float32");
const numbers = (n: number, min = -5, max = 5) =>
  fc.array(fc.double({ min, max, noNaN: true }), { minLength: n, maxLength: n });

/** Values with |v| in [lo, hi] and a random sign (gradients well away from 0). */
const awayFromZero = (n: number, lo: number, hi: number) =>
  fc
    .tuple(numbers(n, lo, hi), fc.array(fc.boolean(), { minLength: n, maxLength: n }))
    .map(([m, s]) => m.map((v, i) => (s[i] ? v : -v)));

describe("optimizer properties", () => {
  useCpuBackend();

  it("momentum with β = 0 is SGD (classic and ewa, with or without Nesterov)", () => {
    fc.assert(
      fc.property(
        dtypeArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.boolean(),
        fc.constantFrom("classic" as const, "ewa" as const),
        numbers(4),
        fc.array(numbers(4), { minLength: 1, maxLength: 4 }),
        (dtype, lr, weightDecay, nesterov, dampening, init, gradSeq) => {
          const a = param(init, [4], dtype);
          const b = param(init, [4], dtype);
          const sgd = new SGD({ lr, weightDecay });
          const momentum = new Momentum({ lr, weightDecay, beta: 0, nesterov, dampening });
          for (const g of gradSeq) {
            const grad = tensor(g, [4], dtype);
            sgd.step([a], [grad]);
            momentum.step([b], [grad]);
            // Compared as numbers, so +0 and −0 (which 0·v can turn into one another) count as equal.
            const expected = values(a.value);
            for (const [i, v] of values(b.value).entries())
              expect(v === expected[i], `${v} vs ${expected[i]}`).toBe(true);
            grad.dispose();
          }
          for (const x of [a, b, sgd, momentum]) x.dispose();
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("Adam's first step moves each parameter by about lr against the gradient's sign, whatever β₁ and β₂", () => {
    fc.assert(
      fc.property(
        dtypeArb,
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        numbers(5),
        awayFromZero(5, 1e-3, 1e3),
        (dtype, lr, beta1, beta2, init, g) => {
          const w = param(init, [5], dtype);
          const before = values(w.value);
          const opt = new Adam({ lr, beta1, beta2 });
          const grad = tensor(g, [5], dtype);
          opt.step([w], [grad]);
          // Exactly −lr·g/(|g| + ε): within lr·ε/|g| ≤ lr·1e-5 of −lr·sign(g), plus rounding of W.
          const ulp = dtype === "float64" ? 1e-15 : 1e-6;
          values(w.value).forEach((after, i) => {
            const moved = after - before[i];
            const expected = -lr * Math.sign(g[i]);
            expect(Math.abs(moved - expected)).toBeLessThanOrEqual(
              lr * 1e-5 + 4 * ulp * (Math.abs(before[i]) + lr),
            );
          });
          for (const x of [w, grad, opt]) x.dispose();
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  type Make = () => Optimizer<any, any>;
  const makers: Record<string, Make> = {
    SGD: () => new SGD({ lr: exponentialDecay({ initial: 0.3, rate: 0.9 }), weightDecay: 0.01 }),
    Momentum: () => new Momentum({ lr: 0.1, beta: 0.9 }),
    "Momentum (Nesterov, ewa)": () => new Momentum({ lr: 0.3, beta: 0.8, nesterov: true, dampening: "ewa" }),
    RMSProp: () => new RMSProp({ lr: 0.01, weightDecay: 0.001 }),
    Adam: () => new Adam({ lr: cosineDecay({ initial: 0.05, decaySteps: 6, warmupSteps: 2 }) }),
    AdamW: () => new AdamW({ lr: 0.02, weightDecay: 0.1 }),
  };

  /** One step on the MLP with gradients from autograd. */
  function train(opt: Optimizer<any, any>, params: Parameter[]): void {
    const [loss, grads] = valueAndGrad(() => mlp.loss(params.map((p) => p.value)), params)();
    opt.step(params, grads);
    loss.dispose();
    for (const g of grads) g.dispose();
  }

  /** What JSON would keep of a state dict: tensors become arrays of their values. */
  function throughJson(s: OptimizerStateDict): OptimizerStateDict {
    const json = JSON.stringify(s, (_, v) =>
      v !== null && typeof v === "object" && "dataSync" in v ? Array.from((v as Tensor).dataSync()) : v,
    );
    return JSON.parse(json);
  }

  const paramsLike = (ps: readonly Parameter[]) =>
    ps.map((p) => new Parameter(p.value.reshape(p.shape), p.name));

  it("saving and restoring state mid-run gives bit-identical later steps (new optimizer, via JSON, float32 and float64)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(makers)),
        dtypeArb,
        fc.integer({ min: 0, max: 4 }),
        (kind, dtype, before) => {
          const params = mlp.shapes.map((s, i) => param(mlp.init[i], s, dtype, `p${i}`));
          const opt = makers[kind]();
          for (let k = 0; k < before; k++) train(opt, params);
          const saved = throughJson(opt.stateDict());
          const copies = paramsLike(params);
          const restored = makers[kind]();
          restored.loadStateDict(saved);
          expect(restored.stepCount).toBe(before);
          for (let k = 0; k < 3; k++) {
            train(opt, params);
            train(restored, copies);
            for (const [i, p] of params.entries()) expect(bits(copies[i].value)).toEqual(bits(p.value));
          }
          for (const x of [...params, ...copies, opt, restored]) x.dispose();
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("rewinding the same optimizer to a saved state (tensors kept in the dict) repeats the same steps bit for bit", () => {
    for (const kind of Object.keys(makers)) {
      for (const dtype of ["float32", "float64"] as const) {
        const params = mlp.shapes.map((s, i) => param(mlp.init[i], s, dtype, `p${i}`));
        const opt = makers[kind]();
        for (let k = 0; k < 2; k++) train(opt, params);
        const saved = opt.stateDict();
        const snapshot = params.map((p) => p.value.reshape(p.shape));
        const firstRun: number[][][] = [];
        for (let k = 0; k < 3; k++) {
          train(opt, params);
          firstRun.push(params.map((p) => bits(p.value)));
        }
        for (const [i, p] of params.entries()) p.assign(snapshot[i]);
        opt.loadStateDict(saved);
        for (let k = 0; k < 3; k++) {
          train(opt, params);
          expect(
            params.map((p) => bits(p.value)),
            `${kind} ${dtype} step ${k}`,
          ).toEqual(firstRun[k]);
        }
        for (const x of [...params, opt]) x.dispose();
      }
    }
  });
});
