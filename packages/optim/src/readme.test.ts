import { readFileSync } from "node:fs";
import { valueAndGrad } from "@axon/autograd";
import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import { Adam, AdamW, Momentum, Optimizer, type UpdateRule, clipByGlobalNorm, cosineDecay } from "./index.ts";
import { bits, useCpuBackend, values } from "./test-helpers.ts";

// The README's examples, run as written, with the values they promise.
describe("README examples", () => {
  useCpuBackend();

  it("fits a line, schedules, clips, groups, saves and restores, and runs a custom rule", () => {
    // Fit y = 2x − 1 with a one-weight linear model.
    const w = new ax.Parameter(ax.tensor([[0]]), "w");
    const b = new ax.Parameter(ax.tensor([0]), "b");
    const params = [w, b]; // what model.parameters() gives
    const x = ax.tensor([[0], [1], [2], [3]]);
    const y = ax.tensor([[-1], [1], [3], [5]]);
    const loss = () => ax.mean(ax.square(ax.sub(ax.add(ax.matmul(x, w.value), b.value), y)));

    const opt = new Adam({ lr: 0.1 });
    for (let i = 0; i < 300; i++) {
      const [value, grads] = valueAndGrad(loss, params)();
      opt.step(params, grads); // grads has the structure of params
      if (i === 0) expect(values(value)[0]).toBeCloseTo(9, 5);
    }
    w.value.print(); // ≈ [[2]]
    b.value.print(); // ≈ [-1]
    expect(values(w.value)[0]).toBeCloseTo(2, 2);
    expect(values(b.value)[0]).toBeCloseTo(-1, 2);

    // Warm up for 100 steps, then a cosine down to 0 over 1000 steps; Nesterov momentum.
    const schedule = cosineDecay({ initial: 0.05, decaySteps: 1000, warmupSteps: 100 });
    const momentum = new Momentum({ lr: schedule, beta: 0.9, nesterov: true });
    const [, grads] = valueAndGrad(loss, params)();
    const { grads: clipped, norm } = clipByGlobalNorm(grads, 1.0); // norm: the global norm before clipping
    momentum.step(params, clipped);
    momentum.currentLearningRate(); // 0.0005: the rate of the next step (step 1 of the warmup)
    expect(momentum.currentLearningRate()).toBeCloseTo(0.0005, 15);
    expect(values(norm)[0]).toBeCloseTo(Math.hypot(...grads.map((g) => values(g)[0])), 6);

    // Groups: decay the weights but not the biases; groups override the defaults (second argument).
    const adamw = new AdamW([{ params: [b], weightDecay: 0 }], { lr: 1e-3, weightDecay: 0.01 });
    adamw.step(params, grads); // w is in no group: it gets the defaults
    expect(adamw.stateDict().groups[0].hyper.weightDecay).toBe(0);
    expect(adamw.stateDict().hyper.weightDecay).toBe(0.01);

    const saved = opt.stateDict(); // { type, step, hyper, groups, slots: { "0": { name, step, shape, m, v }, ... } }
    const json = JSON.stringify(saved, (_, v) => (v instanceof ax.Tensor ? Array.from(v.dataSync()) : v));
    const resumed = new Adam({ lr: 0.1 });
    resumed.loadStateDict(JSON.parse(json)); // the next steps are bit-identical to opt's
    expect(Object.keys(saved.slots)).toEqual(["0", "1"]);
    expect(saved.slots["0"]).toMatchObject({ name: "w", step: 300, shape: [1, 1] });
    const copies = params.map((p) => new ax.Parameter(p.value.reshape(p.shape), p.name));
    opt.step(params, grads);
    resumed.step(copies, grads);
    for (const [i, p] of params.entries()) expect(bits(copies[i].value)).toEqual(bits(p.value));

    // signSGD: W ← W − lr·sign(g). The base class does trees, groups, schedules and state.
    const signRule: UpdateRule<{ lr?: number }, { lr: number }> = {
      name: "SignSGD",
      slotNames: [],
      resolve: (o) => ({ lr: o.lr ?? 0.01 }),
      update: ({ value, grad, lr }) => ({ value: ax.sub(value, ax.mul(ax.sign(grad), lr)), slots: {} }),
    };
    const signSgd = new Optimizer(signRule, { lr: 0.01 });
    const before = params.map((p) => values(p.value)[0]);
    signSgd.step(params, grads);
    for (const [i, p] of params.entries())
      expect(values(p.value)[0]).toBeCloseTo(before[i] - 0.01 * Math.sign(values(grads[i])[0]), 6);
  });

  it("every line of the README's code blocks is one this file runs", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const self = readFileSync(new URL(import.meta.url), "utf8");
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    for (const line of blocks.flatMap((b) => b.split("\n"))) {
      const code = line.trim();
      if (code === "" || code.startsWith("import ")) continue;
      expect(self.includes(code), `README line not run by readme.test.ts: ${code}`).toBe(true);
    }
  });
});
