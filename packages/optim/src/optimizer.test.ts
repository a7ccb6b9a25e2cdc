import { Parameter, type Tensor, ValueError, memory, tensor, tidy } from "@axon/core";
import { describe, expect, it } from "vitest";
import { Adam } from "./adam.ts";
import { AdamW } from "./adamw.ts";
import { Momentum } from "./momentum.ts";
import { RMSProp } from "./rmsprop.ts";
import { constant, stepDecay } from "./schedules.ts";
import { SGD } from "./sgd.ts";
import { expectClose, param, useCpuBackend, values } from "./test-helpers.ts";

const t64 = (v: number[]): Tensor => tensor(v, [v.length], "float64");

useCpuBackend();

describe("hyperparameter validation", () => {
  it("names the optimizer, the argument and the value", () => {
    expect(() => new SGD({ lr: -0.1 })).toThrow(
      "SGD: lr must be a non-negative number or a schedule, got -0.1",
    );
    expect(() => new SGD({} as never)).toThrow(
      "SGD: lr must be a non-negative number or a schedule, got undefined",
    );
    expect(() => new SGD({ lr: Number.NaN })).toThrow(ValueError);
    expect(() => new Adam({ beta1: 1.2 })).toThrow("Adam: beta1 must be in [0, 1), got 1.2");
    expect(() => new Adam({ beta2: 1 })).toThrow("Adam: beta2 must be in [0, 1), got 1");
    expect(() => new Adam({ epsilon: 0 })).toThrow("Adam: epsilon must be a positive number, got 0");
    expect(() => new AdamW({ weightDecay: -1 })).toThrow(
      "AdamW: weightDecay must be a non-negative number, got -1",
    );
    expect(() => new Momentum({ lr: 0.1, beta: -0.5 })).toThrow("Momentum: beta must be in [0, 1), got -0.5");
    expect(() => new Momentum({ lr: 0.1, dampening: "soft" as never })).toThrow(
      "Momentum: dampening must be one of 'classic', 'ewa', got 'soft'",
    );
    expect(() => new Momentum({ lr: 0.1, nesterov: 1 as never })).toThrow(
      "Momentum: nesterov must be true or false, got 1",
    );
    expect(() => new RMSProp({ lr: 0.1, epsilon: -1e-8 })).toThrow(
      "RMSProp: epsilon must be a positive number, got -1e-8",
    );
  });

  it("refuses unknown options, so a typo is not silently ignored", () => {
    expect(() => new SGD({ lr: 0.1, momentum: 0.9 } as never)).toThrow(
      "SGD: unknown option 'momentum' (expected lr, weightDecay)",
    );
  });

  it("checks each param group, and says which", () => {
    const w = new Parameter(tensor([1]));
    expect(() => new Adam([{ params: [w], beta1: 2 }])).toThrow(
      "Adam (param group 0): beta1 must be in [0, 1), got 2",
    );
    expect(() => new Adam([{ params: [w] }], { epsilon: 0 })).toThrow(
      "Adam (defaults): epsilon must be a positive number",
    );
    expect(() => new SGD([{ params: [w] }, { params: [w], lr: 1 }], { lr: 0.1 })).toThrow(
      "SGD: a parameter is in param groups 0 and 1; a parameter belongs to one group",
    );
    expect(() => new SGD([{ params: [] }], { lr: 0.1 })).toThrow("SGD: param group 0 has no parameters");
  });
});

describe("Optimizer.step over parameter trees", () => {
  it("takes any tree of Parameters with the matching tree of gradients (arrays, objects, Maps)", () => {
    const model = {
      dense: { kernel: param([1, 2], [2], "float64"), bias: param([3], [1], "float64") },
      extra: new Map([["scale", param([4], [1], "float64")]]),
    };
    const grads = { dense: { kernel: t64([1, 1]), bias: t64([2]) }, extra: new Map([["scale", t64([-1])]]) };
    new SGD({ lr: 0.5 }).step(model, grads);
    expect(values(model.dense.kernel.value)).toEqual([0.5, 1.5]);
    expect(values(model.dense.bias.value)).toEqual([2]);
    expect(values(model.extra.get("scale")!.value)).toEqual([4.5]);
  });

  it("skips parameters whose gradient is null or undefined and parameters that are not trainable", () => {
    const a = param([1], [1], "float64");
    const b = param([1], [1], "float64");
    const c = param([1], [1], "float64");
    c.trainable = false;
    const opt = new Momentum({ lr: 0.1 });
    opt.step([a, b, c], [t64([1]), null, t64([1])]);
    opt.step({ a, b }, { a: t64([1]) });
    expect(values(a.value)).toEqual([expect.closeTo(1 - 0.1 - 0.19, 14)]);
    expect(values(b.value)).toEqual([1]);
    expect(values(c.value)).toEqual([1]);
    expect(Object.keys(opt.stateDict().slots)).toEqual(["0"]); // state only for what was updated
  });

  it("counts Adam's bias correction per parameter: a late starter's first update is still ≈ lr·sign(g)", () => {
    const early = param([0], [1], "float64");
    const late = param([0], [1], "float64");
    const opt = new Adam({ lr: 0.1 });
    for (let k = 0; k < 3; k++) opt.step([early, late], [t64([1]), null]);
    opt.step([early, late], [t64([1]), t64([-3])]);
    expectClose(values(late.value), [0.1], 1e-8);
    expect(opt.stateDict().slots["1"].step).toBe(1);
    expect(opt.stateDict().slots["0"].step).toBe(4);
  });

  it("refuses a gradient tree of another structure, shape or dtype, naming where, and changes nothing", () => {
    const a = param([1, 2], [2], "float64", "kernel");
    const b = param([3], [1], "float64", "bias");
    const opt = new SGD({ lr: 1 });
    expect(() => opt.step([a, b], [t64([1, 1])])).toThrow(
      "SGD.step: grads must match the structure of params; at '(root)' expected an array of length 2, got an array of length 1",
    );
    expect(() => opt.step([a, b], [t64([1, 1]), t64([1, 2])])).toThrow(
      "SGD.step: the gradient at '[1]' has shape [2] and dtype float64, but parameter 'bias' has shape [1] and dtype float64",
    );
    expect(() => opt.step([a, b], [t64([1, 1]), tensor([1], [1], "float32")])).toThrow("dtype float32");
    expect(() => opt.step({ a }, { a: [1, 2] })).toThrow(
      "at '.a' expected a Tensor (or null for no gradient), got an array of length 2",
    );
    expect(() => opt.step([a, a], [t64([1, 1]), t64([1, 1])])).toThrow(
      "SGD.step: parameter 'kernel' appears twice in params, at '[0]' and '[1]'",
    );
    expect(values(a.value)).toEqual([1, 2]); // the good first gradient was not applied either
    expect(opt.stepCount).toBe(0);
  });

  it("refuses integer parameters and disposed gradients", () => {
    const i = new Parameter(tensor([1], [1], "int32"));
    expect(() => new SGD({ lr: 1 }).step([i], [tensor([1], [1], "int32")])).toThrow(
      "only float parameters can be optimized",
    );
    const g = t64([1]);
    g.dispose();
    expect(() => new SGD({ lr: 1 }).step([param([1], [1], "float64")], [g])).toThrow(
      "the gradient at '[0]' was disposed",
    );
  });

  it("refuses a schedule that gives a negative or non-finite rate, naming the step", () => {
    const opt = new SGD({ lr: (s) => 0.1 - s * 0.1 });
    const w = param([1], [1], "float64");
    opt.step([w], [t64([1])]);
    opt.step([w], [t64([1])]);
    expect(() => opt.step([w], [t64([1])])).toThrow(
      "SGD.step: the lr schedule gave -0.1 at step 2; expected a non-negative number",
    );
  });

  it("leaks nothing: 200 Adam steps without tidy keep the number of live tensors flat", () => {
    const w = param([1, -1, 2], [3], "float32");
    const opt = new Adam({ lr: 0.01, weightDecay: 0.1 });
    const g = tensor([0.5, -0.5, 1]);
    opt.step([w], [g]);
    const before = memory().numTensors;
    for (let k = 0; k < 200; k++) opt.step([w], [g]);
    expect(memory().numTensors).toBe(before);
    opt.dispose(); // releases m and v
    expect(memory().numTensors).toBe(before - 2);
  });

  it("steps inside the user's tidy keep the parameters and the state", () => {
    const w = param([1], [1], "float64");
    const opt = new RMSProp({ lr: 0.1 });
    tidy(() => opt.step([w], [t64([2])]));
    tidy(() => opt.step([w], [t64([2])]));
    expect(w.value.isDisposed).toBe(false);
    expect(values(opt.stateDict().slots["0"].meanSquare as Tensor)).toEqual([
      expect.closeTo(0.9 * 0.4 + 0.4, 14),
    ]);
  });

  it("reports the learning rate the next step will use", () => {
    const w = param([1], [1], "float64");
    const opt = new SGD({ lr: stepDecay({ initial: 1, stepSize: 2 }) });
    const seen = [];
    for (let k = 0; k < 5; k++) {
      seen.push(opt.currentLearningRate());
      opt.step([w], [t64([0])]);
    }
    expect(seen).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });
});

describe("param groups", () => {
  it("give each group its own hyperparameters; parameters in no group use the defaults", () => {
    const kernel = param([1, 1], [2], "float64", "kernel");
    const bias = param([1], [1], "float64", "bias");
    const other = param([1], [1], "float64", "other");
    const opt = new SGD(
      [
        { params: [kernel], weightDecay: 0.5 },
        { params: { bias }, lr: constant(1) },
      ],
      {
        lr: 0.1,
      },
    );
    opt.step([kernel, bias, other], [t64([1, 2]), t64([1]), t64([1])]);
    expect(values(kernel.value)).toEqual([1 - 0.1 * (1 + 0.5), 1 - 0.1 * (2 + 0.5)]); // decayed
    expect(values(bias.value)).toEqual([0]); // its own lr
    expect(values(other.value)).toEqual([0.9]); // the defaults
    expect(opt.currentLearningRate(bias)).toBe(1);
    expect(opt.currentLearningRate(other)).toBe(0.1);
  });

  it("no weight decay on biases with AdamW: a zero gradient leaves the bias alone and shrinks the kernel", () => {
    const kernel = param([2], [1], "float64");
    const bias = param([2], [1], "float64");
    const opt = new AdamW([{ params: [bias], weightDecay: 0 }], { lr: 0.1, weightDecay: 0.5 });
    opt.step([kernel, bias], [t64([0]), t64([0])]);
    expect(values(kernel.value)).toEqual([2 - 0.1 * 0.5 * 2]);
    expect(values(bias.value)).toEqual([2]);
  });

  it("defaults may lack a required lr when every parameter is in a group; another parameter is then refused", () => {
    const a = param([1], [1], "float64");
    const b = param([1], [1], "float64", "stray");
    const opt = new SGD([{ params: [a], lr: 0.5 }]);
    opt.step([a], [t64([1])]);
    expect(values(a.value)).toEqual([0.5]);
    expect(() => opt.step([a, b], [t64([1]), t64([1])])).toThrow(
      "SGD.step: parameter 'stray' is in no param group, and the defaults give no lr",
    );
    expect(() => new SGD({ lr: 0.1 } as never, { lr: 0.2 })).toThrow(
      "a second argument (defaults) is only accepted after a list of param groups",
    );
  });

  it("index group parameters first, in group order, in the state dict", () => {
    const a = param([1], [1], "float64", "a");
    const b = param([1], [1], "float64", "b");
    const opt = new Momentum([{ params: [b] }], { lr: 0.1 });
    opt.step([a, b], [t64([1]), t64([1])]);
    const s = opt.stateDict();
    expect(s.slots["0"].name).toBe("b");
    expect(s.slots["1"].name).toBe("a");
    expect(s.groups).toEqual([
      { params: [0], hyper: { lr: 0.1, beta: 0.9, nesterov: false, dampening: "classic", weightDecay: 0 } },
    ]);
  });
});

describe("stateDict and loadStateDict", () => {
  it("records the type, the step count, the hyperparameters and each parameter's slots", () => {
    const w = param([1, 2], [2], "float32", "w");
    const opt = new Adam({ lr: constant(0.01) });
    opt.step([w], [tensor([1, 1])]);
    const s = opt.stateDict();
    expect(s.type).toBe("Adam");
    expect(s.step).toBe(1);
    expect(s.hyper).toEqual({ lr: "schedule", beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
    expect(s.slots["0"]).toMatchObject({ name: "w", step: 1, shape: [2] });
    expectClose(values(s.slots["0"].m as Tensor), [0.1, 0.1], 1e-7);
    expectClose(values(s.slots["0"].v as Tensor), [0.001, 0.001], 1e-7);
  });

  it("gives copies: the saved tensors survive later steps and disposing them does not hurt the optimizer", () => {
    const w = param([1], [1], "float64");
    const opt = new Momentum({ lr: 0.1 });
    opt.step([w], [t64([1])]);
    const s = opt.stateDict();
    opt.step([w], [t64([1])]);
    expect(values(s.slots["0"].velocity as Tensor)).toEqual([1]);
    (s.slots["0"].velocity as Tensor).dispose();
    opt.step([w], [t64([1])]);
    expect(opt.stateDict().slots["0"].step).toBe(3);
  });

  it("refuses a state of another optimizer, a bad shape, another parameter's name or a missing slot, and keeps its own", () => {
    const w = param([1, 2], [2], "float64", "w");
    const opt = new Adam({ lr: 0.1 });
    opt.step([w], [t64([1, 1])]);
    const good = opt.stateDict();
    expect(() => opt.loadStateDict({ ...good, type: "SGD" })).toThrow(
      "Adam.loadStateDict: the state is from SGD, not Adam",
    );
    expect(() => opt.loadStateDict({ ...good, step: -1 })).toThrow(
      "step must be a non-negative integer, got -1",
    );
    const slot = good.slots["0"];
    expect(() => opt.loadStateDict({ ...good, slots: { 0: { ...slot, m: [1, 2, 3] } } })).toThrow(
      "the state of parameter 0 ('w'): slot 'm' has 3 values, expected 2",
    );
    expect(() => opt.loadStateDict({ ...good, slots: { 0: { ...slot, name: "u" } } })).toThrow(
      "the state of parameter 0 ('u') does not belong to parameter 'w'",
    );
    expect(() => opt.loadStateDict({ ...good, slots: { 0: { step: 1, m: [0, 0] } } })).toThrow(
      "slot '0' needs 'v' as a tensor or an array of numbers",
    );
    expect(() => opt.loadStateDict({ ...good, slots: { x: slot } })).toThrow(
      "slot keys must be parameter indices, got 'x'",
    );
    expect(opt.stepCount).toBe(1);
    expect(values(opt.stateDict().slots["0"].m as Tensor)).toEqual(values(slot.m as Tensor));
  });

  it("indexes parameters by their place in the tree, even when the first step lacks some gradients", () => {
    const a = param([1], [1], "float64", "a");
    const b = param([1], [1], "float64", "b");
    const opt = new Adam({ lr: 0.1 });
    opt.step([a, b], [null, t64([1])]);
    expect(opt.stateDict().slots["1"].name).toBe("b");
    expect(opt.stateDict().slots["0"]).toBeUndefined();
  });

  it("state for parameters not seen yet waits for them, and is checked when they appear", () => {
    const w = param([1, 2], [2], "float64", "w");
    const opt = new Momentum({ lr: 0.1 });
    opt.step([w], [t64([1, 1])]);
    const saved = opt.stateDict();
    const fresh = new Momentum({ lr: 0.1 });
    fresh.loadStateDict(saved);
    expect(fresh.stateDict().slots["0"]).toMatchObject({ name: "w", step: 1, shape: [2] });
    expect(() => fresh.step([param([1], [1], "float64", "w")], [t64([1])])).toThrow(
      "Momentum.step: the state of parameter 0 ('w') has shape [2], but parameter 'w' has shape [1]",
    );
  });
});
