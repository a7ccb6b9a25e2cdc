import { valueAndGrad } from "@axon/autograd";
import { registerCpuBackend } from "@axon/backend-cpu";
import {
  type FloatDType,
  Parameter,
  type Tensor,
  add,
  matmul,
  mean,
  setBackend,
  square,
  sub,
  sum,
  tanh,
  tensor,
} from "@axon/core";
import { beforeAll, expect } from "vitest";
import type { Optimizer } from "./optimizer.ts";
import type { LearningRate } from "./schedules.ts";

/**
 * Shared by the package's tests: the CPU backend, reference optimizers written with plain JS
 * numbers (float64) from the textbook formulas, and two small problems whose gradients are worked
 * out by hand — so nothing the tests compare against comes from the code under test.
 */

export function useCpuBackend(): void {
  beforeAll(async () => {
    registerCpuBackend();
    await setBackend("cpu");
  });
}

/** fast-check runs per property: small in CI so the package stays well under half a minute. */
export const NUM_RUNS = process.env.CI ? 10 : 40;

export const values = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);

/** The bytes of a tensor's data: equal bytes are bit-identical values (−0 and NaN payloads included). */
export function bits(t: Tensor): number[] {
  const d = t.dataSync();
  return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
}

export function param(
  v: readonly number[],
  shape: readonly number[],
  dtype: FloatDType,
  name = "",
): Parameter {
  return new Parameter(tensor([...v], shape, dtype), name);
}

/** |a − e| ≤ tol·(1 + |e|) elementwise, with the first offending element in the message. */
export function expectClose(
  actual: readonly number[],
  expected: readonly number[],
  tol: number,
  what = "",
): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    if (!(Math.abs(a - expected[i]) <= tol * (1 + Math.abs(expected[i]))))
      expect.fail(`${what} element ${i}: got ${a}, expected ${expected[i]} (tol ${tol})`);
  });
}

// ---------------------------------------------------------------- reference optimizers (plain JS)

/** Updates plain arrays in place, one array per parameter. */
export interface Reference {
  step(w: number[][], g: number[][]): void;
}

const lrAt = (lr: LearningRate, step: number): number => (typeof lr === "function" ? lr(step) : lr);

export function refSGD(o: { lr: LearningRate; weightDecay?: number }): Reference {
  let step = 0;
  return {
    step(w, g) {
      const lr = lrAt(o.lr, step++);
      const wd = o.weightDecay ?? 0;
      w.forEach((wi, p) => {
        for (let i = 0; i < wi.length; i++) wi[i] -= lr * (g[p][i] + wd * wi[i]);
      });
    },
  };
}

export function refMomentum(o: {
  lr: LearningRate;
  beta?: number;
  nesterov?: boolean;
  dampening?: "classic" | "ewa";
  weightDecay?: number;
}): Reference {
  const beta = o.beta ?? 0.9;
  let v: number[][] | undefined;
  let step = 0;
  return {
    step(w, g) {
      const lr = lrAt(o.lr, step++);
      v ??= w.map((wi) => wi.map(() => 0));
      w.forEach((wi, p) => {
        for (let i = 0; i < wi.length; i++) {
          const gi = g[p][i] + (o.weightDecay ?? 0) * wi[i];
          const gIn = o.dampening === "ewa" ? (1 - beta) * gi : gi;
          v![p][i] = beta * v![p][i] + gIn;
          wi[i] -= lr * (o.nesterov ? gIn + beta * v![p][i] : v![p][i]);
        }
      });
    },
  };
}

export function refRMSProp(o: {
  lr: LearningRate;
  beta?: number;
  epsilon?: number;
  weightDecay?: number;
}): Reference {
  const beta = o.beta ?? 0.9;
  const eps = o.epsilon ?? 1e-8;
  let s: number[][] | undefined;
  let step = 0;
  return {
    step(w, g) {
      const lr = lrAt(o.lr, step++);
      s ??= w.map((wi) => wi.map(() => 0));
      w.forEach((wi, p) => {
        for (let i = 0; i < wi.length; i++) {
          const gi = g[p][i] + (o.weightDecay ?? 0) * wi[i];
          s![p][i] = beta * s![p][i] + (1 - beta) * gi * gi;
          wi[i] -= (lr * gi) / (Math.sqrt(s![p][i]) + eps);
        }
      });
    },
  };
}

/** Adam, or AdamW with `decoupled` (then `weightDecay` shrinks W directly by lr·wd·W). */
export function refAdam(o: {
  lr: LearningRate;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
  decoupled?: boolean;
}): Reference {
  const b1 = o.beta1 ?? 0.9;
  const b2 = o.beta2 ?? 0.999;
  const eps = o.epsilon ?? 1e-8;
  const wd = o.weightDecay ?? 0;
  let m: number[][] | undefined;
  let v: number[][] | undefined;
  let t = 0;
  return {
    step(w, g) {
      const lr = lrAt(o.lr, t);
      t += 1;
      m ??= w.map((wi) => wi.map(() => 0));
      v ??= w.map((wi) => wi.map(() => 0));
      w.forEach((wi, p) => {
        for (let i = 0; i < wi.length; i++) {
          const gi = o.decoupled ? g[p][i] : g[p][i] + wd * wi[i];
          m![p][i] = b1 * m![p][i] + (1 - b1) * gi;
          v![p][i] = b2 * v![p][i] + (1 - b2) * gi * gi;
          const mHat = m![p][i] / (1 - b1 ** t);
          const vHat = v![p][i] / (1 - b2 ** t);
          const decay = o.decoupled ? lr * wd * wi[i] : 0;
          wi[i] -= decay + (lr * mHat) / (Math.sqrt(vHat) + eps);
        }
      });
    },
  };
}

// ---------------------------------------------------------------- problems

/** A loss over parameters: as tensors (for autograd) and as a hand-written gradient over plain numbers. */
export interface Problem {
  readonly name: string;
  readonly shapes: readonly (readonly number[])[];
  readonly init: readonly (readonly number[])[];
  loss(params: readonly Tensor[]): Tensor;
  gradient(w: readonly (readonly number[])[]): number[][];
}

/** f(w) = ½ wᵀAw − bᵀw with A = [[3, 1], [1, 2]] (eigenvalues ≈ 1.38 and 3.62), b = [1, −1]; ∇f = Aw − b. */
export const quadratic: Problem = {
  name: "quadratic",
  shapes: [[2]],
  init: [[1.5, -2]],
  loss([w]) {
    const A = tensor(
      [
        [3, 1],
        [1, 2],
      ],
      [2, 2],
      w.dtype,
    );
    const b = tensor([1, -1], [2], w.dtype);
    const Aw = matmul(A, w.reshape([2, 1])).reshape([2]);
    return sub(mul05(sum(w.mul(Aw))), sum(b.mul(w)));
  },
  gradient([w]) {
    return [[3 * w[0] + w[1] - 1, w[0] + 2 * w[1] + 1]];
  },
};

const mul05 = (t: Tensor): Tensor => t.mul(0.5);

const X = [
  [0.5, -1.0, 0.25],
  [1.5, 0.3, -0.7],
  [-0.2, 0.8, 1.1],
  [0.9, -0.4, 0.6],
];
const Y = [[0.3], [-0.5], [0.8], [0.1]];

/**
 * A 2-layer MLP, 3 → 4 (tanh) → 1, on 4 fixed examples with mean squared error:
 * params [W1 (3×4), b1 (4), W2 (4×1), b2 (1)], loss = mean((tanh(X·W1 + b1)·W2 + b2 − Y)²).
 */
export const mlp: Problem = {
  name: "2-layer MLP",
  shapes: [[3, 4], [4], [4, 1], [1]],
  init: [
    [0.2, -0.3, 0.5, 0.1, -0.4, 0.25, 0.05, -0.15, 0.35, -0.2, 0.45, 0.3],
    [0.01, -0.02, 0.03, 0.0],
    [0.6, -0.5, 0.4, 0.7],
    [0.05],
  ],
  loss([w1, b1, w2, b2]) {
    const x = tensor(X, [4, 3], w1.dtype);
    const y = tensor(Y, [4, 1], w1.dtype);
    const h = tanh(add(matmul(x, w1), b1));
    return mean(square(sub(add(matmul(h, w2), b2), y)));
  },
  gradient([w1, b1, w2, b2]) {
    const n = X.length;
    const g1 = new Array(12).fill(0);
    const gb1 = new Array(4).fill(0);
    const g2 = new Array(4).fill(0);
    let gb2 = 0;
    for (let r = 0; r < n; r++) {
      const h = [0, 0, 0, 0];
      for (let j = 0; j < 4; j++) {
        let z = b1[j];
        for (let i = 0; i < 3; i++) z += X[r][i] * w1[i * 4 + j];
        h[j] = Math.tanh(z);
      }
      let out = b2[0];
      for (let j = 0; j < 4; j++) out += h[j] * w2[j];
      const dOut = (2 * (out - Y[r][0])) / n; // d mean(e²)/d out
      gb2 += dOut;
      for (let j = 0; j < 4; j++) {
        g2[j] += dOut * h[j];
        const dz = dOut * w2[j] * (1 - h[j] * h[j]);
        gb1[j] += dz;
        for (let i = 0; i < 3; i++) g1[i * 4 + j] += dz * X[r][i];
      }
    }
    return [g1, gb1, g2, [gb2]];
  },
};

/**
 * Runs the optimizer (gradients from autograd) and the reference (hand-written gradients) side by
 * side, comparing every parameter after every step.
 */
export function expectTrajectory(
  problem: Problem,
  optimizer: Optimizer<any, any>,
  reference: Reference,
  options: { dtype: FloatDType; steps: number; tol: number },
): void {
  const params = problem.shapes.map((s, i) => param(problem.init[i], s, options.dtype, `p${i}`));
  const w = problem.init.map((v) => [...v]);
  for (let k = 0; k < options.steps; k++) {
    const [loss, grads] = valueAndGrad(() => problem.loss(params.map((p) => p.value)), params)();
    optimizer.step(params, grads);
    loss.dispose();
    for (const g of grads) g.dispose();
    reference.step(w, problem.gradient(w));
    for (const [i, p] of params.entries())
      expectClose(
        values(p.value),
        w[i],
        options.tol,
        `${problem.name} ${options.dtype} step ${k + 1} param ${i}`,
      );
  }
  for (const p of params) p.dispose();
  optimizer.dispose();
}

/** w after each of `steps` updates on f(w) = w² from w₀ = 1 (float64), for the worked examples. */
export function squareTrajectory(optimizer: Optimizer<any, any>, steps: number): number[] {
  const w = param([1], [], "float64");
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    const [, grads] = valueAndGrad(() => square(w.value), [w])();
    optimizer.step([w], grads);
    out.push(values(w.value)[0]);
  }
  return out;
}
