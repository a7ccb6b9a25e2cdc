import { grad } from "@axon/autograd";
import { SELU_ALPHA, SELU_SCALE, ValueError, sum, tensor, zeros } from "@axon/core";
import { describe, expect, it } from "vitest";
import {
  elu,
  gelu,
  leakyRelu,
  prelu,
  relu,
  rrelu,
  selu,
  sigmoid,
  softmax,
  swish,
  tanh,
} from "./activations.ts";
import {
  ELU,
  GELU,
  Lambda,
  LeakyReLU,
  PReLU,
  ReLU,
  RReLU,
  SELU,
  Sigmoid,
  Softmax,
  Swish,
  Tanh,
} from "./layers/activation-layers.ts";
import { Sequential } from "./sequential.ts";
import { expectClose, expectGradOk, gradCheckLayer, spread, useCpuBackend, values } from "./test-helpers.ts";

const xs = [-2, -0.5, 0.5, 3];

describe("activation functions", () => {
  useCpuBackend();

  it("match their formulas", () => {
    const x = tensor(xs);
    expectClose(
      sigmoid(x),
      xs.map((v) => 1 / (1 + Math.exp(-v))),
    );
    expectClose(tanh(x), xs.map(Math.tanh));
    expectClose(
      relu(x),
      xs.map((v) => Math.max(v, 0)),
    );
    expectClose(
      leakyRelu(x),
      xs.map((v) => (v > 0 ? v : 0.01 * v)),
    );
    expectClose(
      leakyRelu(x, 0.2),
      xs.map((v) => (v > 0 ? v : 0.2 * v)),
    );
    expectClose(
      elu(x, 0.5),
      xs.map((v) => (v > 0 ? v : 0.5 * Math.expm1(v))),
    );
    expectClose(gelu(x), [-0.0455003, -0.1542687, 0.3457312, 2.9959502]);
    expectClose(
      swish(x),
      xs.map((v) => v / (1 + Math.exp(-v))),
    );
    expectClose(softmax(tensor([1, 2, 3])), [0.09003057, 0.24472847, 0.66524096]);
  });

  it("selu uses the exact published constants", () => {
    // Klambauer et al. 2017: α ≈ 1.6732632423543772848, λ ≈ 1.0507009873554804934.
    expect(SELU_ALPHA).toBe(1.6732632423543772);
    expect(SELU_SCALE).toBe(1.0507009873554805);
    expectClose(
      selu(tensor(xs, [4], "float64")),
      xs.map((v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v))),
      1e-12,
    );
  });

  it("prelu takes a shared or per-channel slope and learns it", () => {
    const x = tensor([
      [-1, 2, -3],
      [4, -5, 6],
    ]);
    expectClose(prelu(x, tensor([0.5])), [-0.5, 2, -1.5, 4, -2.5, 6]);
    expectClose(prelu(x, tensor([0.1, 0.2, 0.3])), [-0.1, 2, -0.9, 4, -1, 6]);
    // d/dalpha Σ prelu = Σ of the negative elements per channel.
    const g = grad((a: typeof x) => sum(prelu(x, a)))(tensor([0.1, 0.2, 0.3]));
    expectClose(g, [-1, -5, -3]);
  });

  it("rrelu draws a slope in [lower, upper] per element in training and uses the mean in evaluation", () => {
    const x = tensor(Array(2000).fill(-1));
    const slopes = values(rrelu(x, { training: true, lower: 0.1, upper: 0.3, seed: 1 })).map((v) => -v);
    expect(Math.min(...slopes)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...slopes)).toBeLessThanOrEqual(0.3);
    expect(new Set(slopes.map((s) => s.toFixed(6))).size).toBeGreaterThan(1000);
    const avg = slopes.reduce((a, b) => a + b, 0) / slopes.length;
    expect(avg).toBeCloseTo(0.2, 2);
    expectClose(rrelu(tensor([-1, 2]), { lower: 0.1, upper: 0.3 }), [-0.2, 2]);
    expectClose(rrelu(tensor([-1, 2])), [-(1 / 8 + 1 / 3) / 2, 2]);
    expect(() => rrelu(x, { lower: 0.5, upper: 0.1 })).toThrow("need finite 0 <= lower <= upper");
  });
});

describe("activation layers", () => {
  useCpuBackend();

  it("apply their function and fit in Sequential", () => {
    const x = tensor(xs);
    const model = new Sequential([new LeakyReLU(0.3), new Lambda((v) => v.mul(2))]);
    expectClose(
      model.call(x),
      xs.map((v) => 2 * (v > 0 ? v : 0.3 * v)),
    );
    expectClose(
      new LeakyReLU().call(x),
      xs.map((v) => (v > 0 ? v : 0.01 * v)),
    );
    expectClose(new Softmax(0).call(tensor([0, 0])), [0.5, 0.5]);
    expect(() => new LeakyReLU(Number.NaN)).toThrow(ValueError);
  });

  it("PReLU has one shared slope by default or one per channel", () => {
    const shared = new PReLU();
    expect(shared.alpha.shape).toEqual([1]);
    expectClose(shared.call(tensor([-4, 4])), [-1, 4]);
    const perChannel = new PReLU({ numParameters: 3, init: 0.1 });
    expect(perChannel.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([["alpha", [3]]]);
    expect(() => perChannel.call(zeros([2, 4]))).toThrow("PReLU: x must have 3 channels on its last axis");
  });

  it("RReLU is random in training (seeded, repeatable) and fixed in evaluation", () => {
    const x = tensor(Array(50).fill(-1));
    const a = values(new RReLU(0.1, 0.3, { seed: 4 }).call(x));
    expect(values(new RReLU(0.1, 0.3, { seed: 4 }).call(x))).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(10);
    expectClose(new RReLU(0.1, 0.3).eval().call(x), Array(50).fill(-0.2));
  });

  it("every activation layer passes gradCheck in training and evaluation mode", () => {
    const x = spread([3, 4]);
    const layers = () => [
      new Sigmoid(),
      new Tanh(),
      new ReLU(),
      new LeakyReLU(0.2),
      new ELU(0.7),
      new SELU(),
      new Softmax(),
      new GELU(),
      new GELU(true),
      new Swish(),
      new PReLU(),
      new PReLU({ numParameters: 4, init: 0.3 }),
    ];
    for (const mode of ["train", "eval"] as const) {
      for (let i = 0; i < layers().length; i++) expectGradOk(gradCheckLayer(() => layers()[i], x, mode));
      expectGradOk(gradCheckLayer(() => new RReLU(0.1, 0.4, { seed: 2 }), x, mode));
    }
  });
});
