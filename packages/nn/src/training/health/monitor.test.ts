import { valueAndGrad } from "@axon/autograd";
import {
  type Tensor,
  eye,
  getBackend,
  log,
  mean,
  memory,
  setSeed,
  sigmoid,
  square,
  sum,
  tensor,
  tidy,
} from "@axon/core";
import { SGD } from "@axon/optim";
import { describe, expect, it, vi } from "vitest";
import { constant, randomNormal } from "../../init/basic.ts";
import { Lambda, ReLU, Sigmoid } from "../../layers/activation-layers.ts";
import { Dense } from "../../layers/dense.ts";
import { Module } from "../../module.ts";
import { Sequential } from "../../sequential.ts";
import { useCpuBackend, values } from "../../test-helpers.ts";
import { type HealthMonitor, type HealthMonitorOptions, healthMonitor } from "./monitor.ts";

useCpuBackend();

/** `steps` steps of SGD on `lossOf`, watched by a monitor; returns the monitor. */
function train(
  model: Module,
  lossOf: () => Tensor,
  steps: number,
  options: HealthMonitorOptions = {},
  lr = 0.1,
): HealthMonitor {
  const monitor = healthMonitor(model, { every: 1, ...options });
  const optimizer = new SGD({ lr });
  const params = model.parameters();
  for (let step = 1; step <= steps; step++)
    tidy(() => {
      monitor.beginStep(step);
      const [, grads] = valueAndGrad(lossOf, params)();
      monitor.recordGradients(grads);
      optimizer.step(params, grads);
      monitor.endStep(lossOf);
    });
  return monitor;
}

/** Mean and population standard deviation of a list. */
function moments(xs: readonly number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return [m, Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length)];
}

describe("HealthMonitor statistics", () => {
  it("match a hand computation on a Dense + ReLU model", () => {
    const model = new Sequential([new Dense(2, 3), new ReLU()]);
    const dense = model.at(0) as Dense;
    dense.kernel.assign(
      tensor([
        [1, -1, 0.5],
        [0.5, -2, -1],
      ]),
    );
    dense.bias!.assign(tensor([0, 0, 0.1]));
    const x = tensor([
      [1, 2],
      [-1, 0.6],
    ]);
    const monitor = train(model, () => sum(model.call(x)), 1);
    const [r] = monitor.records;
    expect(r.step).toBe(1);
    // z = x·W + b = [[2, -5, -1.4], [-0.7, -0.2, -1]]; relu(z) = [[2, 0, 0], [0, 0, 0]].
    const z = [2, -5, -1.4, -0.7, -0.2, -1];
    const [zMean, zStd] = moments(z);
    const [dl, relu] = r.layers;
    expect(dl).toMatchObject({ name: "0", type: "Dense", kind: "other", deadFraction: null });
    expect(dl.mean).toBeCloseTo(zMean, 5);
    expect(dl.std).toBeCloseTo(zStd, 5);
    expect(relu).toMatchObject({ name: "1", type: "ReLU", kind: "rectifier", gradientNorm: null });
    expect(relu.mean).toBeCloseTo(1 / 3, 5);
    expect(relu.std).toBeCloseTo(Math.sqrt(5 / 9), 5);
    expect(relu.deadFraction).toBeCloseTo(2 / 3, 6); // units 1 and 2 are 0 for both examples
    // d sum(relu(z)) / dz = [[1,0,0],[0,0,0]]: dW = xᵀ·dz = [[1,0,0],[2,0,0]], db = [1,0,0].
    const [kernel, bias] = r.parameters;
    expect(kernel.name).toBe("0.kernel");
    expect(kernel.gradientNorm).toBeCloseTo(Math.sqrt(5), 5);
    expect(kernel.weightNorm).toBeCloseTo(Math.sqrt(7.5), 5);
    expect(kernel.updateNorm).toBeCloseTo(0.1 * Math.sqrt(5), 5);
    expect(kernel.updateRatio).toBeCloseTo((0.1 * Math.sqrt(5)) / Math.sqrt(7.5), 5);
    expect(bias.gradientNorm).toBeCloseTo(1, 5);
    expect(bias.updateRatio).toBeCloseTo(0.1 / 0.1, 5);
    expect(dl.gradientNorm).toBeCloseTo(Math.sqrt(6), 5);
  });

  it("a layer that is not called has no activation statistics, and its parameters a zero gradient", () => {
    class Branches extends Module {
      used = new Dense(2, 2, { kernelInitializer: constant(1) });
      unused = new Dense(2, 2);
      call(x: Tensor): Tensor {
        return this.used.call(x);
      }
    }
    const model = new Branches();
    const x = tensor([[1, 2]]);
    const [r] = train(model, () => sum(model.call(x)), 1).records;
    expect(r.layers.map((l) => [l.name, l.mean === null])).toEqual([
      ["used", false],
      ["unused", true],
    ]);
    expect(r.layers[1].gradientNorm).toBe(0);
    const unused = r.parameters.filter((p) => p.layer === "unused");
    expect(unused.map((p) => [p.gradientNorm, p.updateNorm])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(unused[1].updateRatio).toBeNull(); // a zero bias: no ratio to speak of
    // d sum(x·W + b) / dW = xᵀ·1 = [[1, 1], [2, 2]]; / db = [1, 1].
    expect(r.layers[0].gradientNorm).toBeCloseTo(Math.sqrt(12), 5);
  });

  it("a ReLU layer behind a large negative bias is reported dead, with its name and step", () => {
    setSeed(3);
    const model = new Sequential([
      new Dense(4, 8, { biasInitializer: constant(-100) }),
      new ReLU(),
      new Dense(8, 2),
    ]);
    const x = tensor(
      Array.from({ length: 16 }, (_, i) => Math.sin(i)),
      [4, 4],
    );
    const monitor = train(model, () => mean(square(model.call(x))), 3, { every: 2 });
    expect(monitor.records.map((r) => r.step)).toEqual([1, 3]);
    expect(monitor.records[0].layers[1].deadFraction).toBe(1);
    const dead = monitor.warnings.filter((w) => w.kind === "dead");
    expect(dead).toHaveLength(1); // still dead at step 3: one warning while it lasts
    expect(dead[0]).toMatchObject({ layer: "1", step: 1, value: 1 });
    expect(dead[0].message).toMatch(/dead units in layer 1 \(ReLU\) at step 1: 100 % of its units/);
    // The layer before it gets no gradient at all.
    expect(monitor.warnings.some((w) => w.kind === "vanishing" && w.layer === "0")).toBe(true);
  });

  it("measures saturation of sigmoid outputs (a Sigmoid layer, and a Dense layer with activation sigmoid)", () => {
    const big = randomNormal({ stddev: 100, seed: 5 });
    const model = new Sequential([
      new Dense(6, 16, { kernelInitializer: big }),
      new Sigmoid(),
      new Dense(16, 8, { kernelInitializer: big, activation: sigmoid }),
    ]);
    const x = tensor(
      Array.from({ length: 24 }, (_, i) => Math.cos(i * 1.7)),
      [4, 6],
    );
    const outputs = [values(model.at(1).call(model.at(0).call(x))), values(model.call(x))];
    const monitor = train(model, () => mean(model.call(x)), 1);
    const [, sig, dense] = monitor.records[0].layers;
    expect(sig.kind).toBe("sigmoid");
    expect(dense.kind).toBe("sigmoid");
    [sig, dense].forEach((layer, k) => {
      const expected = outputs[k].filter((v) => v <= 1e-3 || v >= 1 - 1e-3).length / outputs[k].length;
      expect(layer.saturatedFraction).toBeCloseTo(expected, 6);
      expect(layer.deadFraction).toBeNull();
    });
    expect(sig.saturatedFraction).toBeGreaterThan(0.8);
  });
});

describe("HealthMonitor warnings", () => {
  it("vanishing: a deep sigmoid net with N(0, 1) weights at width 32", () => {
    const layers: Module[] = [];
    for (let i = 0; i < 16; i++)
      layers.push(new Dense(32, 32, { kernelInitializer: randomNormal({ seed: 10 + i }) }), new Sigmoid());
    const model = new Sequential(layers);
    const x = tensor(
      Array.from({ length: 8 * 32 }, (_, i) => Math.sin(i * 0.37)),
      [8, 32],
    );
    const lossOf = () => mean(square(model.call(x)));
    // The first layer's norm is far below the default threshold, 1e-7 …
    const [w] = train(model, lossOf, 1, { diagnose: false }).warnings;
    expect(w).toMatchObject({ kind: "vanishing", layer: "0", step: 1 });
    expect(w.value).toBeLessThan(1e-7);
    expect(w.message).toMatch(
      /^vanishing gradient in layer 0 \(Dense\) at step 1: gradient norm .* < 1.00e-7$/,
    );
    // … and, without that threshold, its ratio to the last layer's is below 1e-3.
    const [r] = train(model, lossOf, 1, { vanishing: 1e-300 }).warnings;
    expect(r).toMatchObject({ kind: "vanishing", layer: "0", step: 1 });
    expect(r.value).toBeLessThan(1e-3);
    expect(r.message).toMatch(
      /vanishing gradient in layer 0 \(Dense\) at step 1: .*times the last layer's \(30 \(Dense\)/,
    );
  });

  it("exploding: a chain of 20 layers with W = 1.5·I diverges under SGD", () => {
    const layers = Array.from({ length: 20 }, () => {
      const d = new Dense(8, 8, { useBias: false });
      d.kernel.assign(eye(8).mul(1.5));
      return d;
    });
    const model = new Sequential(layers);
    const x = tensor(
      Array.from({ length: 16 }, (_, i) => Math.cos(i) * 0.1),
      [2, 8],
    );
    const monitor = train(model, () => mean(square(model.call(x))), 4, {}, 1e-4);
    const w = monitor.warnings.find((v) => v.kind === "exploding");
    expect(w, JSON.stringify(monitor.records.map((r) => r.layers[0].gradientNorm))).toBeDefined();
    // The identity chain gives every layer the same gradient norm; after one step it is 1e13 times larger.
    expect(w).toMatchObject({ layer: "0", step: 2 });
    expect(w!.message).toMatch(
      /^exploding gradient in layer 0 \(Dense\) at step 2: gradient norm .* times its .* at step 1$/,
    );
    expect(monitor.warnings.filter((v) => v.step === 2 && v.kind === "exploding")).toHaveLength(20);
  });

  it("NaN: names the primitive that produced it, through core's debug mode, and leaves the model as it was", () => {
    const model = new Sequential([new Dense(3, 4), new Lambda((h) => log(h.sub(10))), new Dense(4, 1)]);
    const x = tensor([[0.1, 0.2, 0.3]]);
    const before = values(model.at(0).parameters()[0].value);
    const lossOf = () => mean(model.call(x));
    const monitor = healthMonitor(model, { every: 1 });
    const params = model.parameters();
    tidy(() => {
      monitor.beginStep(1);
      const [, grads] = valueAndGrad(lossOf, params)();
      monitor.recordGradients(grads);
      // no update: the step is diagnosed against the parameters it ran with
      monitor.endStep(lossOf);
    });
    const w = monitor.warnings.find((v) => v.primitive !== undefined);
    expect(w, JSON.stringify(monitor.warnings)).toBeDefined();
    expect(w).toMatchObject({ kind: "exploding", primitive: "log", step: 1, layer: "1" });
    expect(w!.message).toMatch(
      /the output's mean is NaN; the first primitive to produce it from finite inputs: log: produced NaN/,
    );
    expect(values(model.at(0).parameters()[0].value)).toEqual(before);
  });
});

describe("HealthMonitor cost", () => {
  it("reads nothing back at unmonitored steps and once at a monitored step, and frees what it holds", () => {
    setSeed(1);
    const model = new Sequential([new Dense(4, 8), new ReLU(), new Dense(8, 2)]);
    const x = tensor(
      Array.from({ length: 12 }, (_, i) => i / 10),
      [3, 4],
    );
    const lossOf = () => mean(square(model.call(x)));
    const monitor = healthMonitor(model, { every: 4 });
    const optimizer = new SGD({ lr: 0.01 });
    const params = model.parameters();
    const readSync = vi.spyOn(getBackend(), "readSync");
    const reads: number[] = [];
    const tensorsBefore = memory().numTensors;
    try {
      for (let step = 1; step <= 8; step++) {
        const n = readSync.mock.calls.length;
        tidy(() => {
          monitor.beginStep(step);
          const [, grads] = valueAndGrad(lossOf, params)();
          monitor.recordGradients(grads);
          optimizer.step(params, grads);
          monitor.endStep(lossOf);
        });
        reads.push(readSync.mock.calls.length - n);
      }
    } finally {
      readSync.mockRestore();
    }
    expect(reads).toEqual([1, 0, 0, 0, 1, 0, 0, 0]);
    expect(monitor.records.map((r) => r.step)).toEqual([1, 5]);
    expect(memory().numTensors).toBe(tensorsBefore);
    for (const layer of model.layers) expect(Object.hasOwn(layer, "call")).toBe(false);
  });

  it("checks its options", () => {
    const model = new Sequential([new Dense(2, 2)]);
    expect(() => healthMonitor(model, { every: 0 })).toThrow(
      /HealthMonitor: every must be a positive integer, got number 0/,
    );
    expect(() => healthMonitor(model, { deadFraction: -1 })).toThrow(
      /deadFraction must be a positive number/,
    );
    expect(() => healthMonitor(model, { evry: 3 } as never)).toThrow(/unknown option 'evry'/);
    expect(() => healthMonitor(model).recordGradients([])).not.toThrow(); // not a monitored step in progress
  });
});
