import * as ax from "@axon/core";
import { expect, it } from "vitest";
import { valueAndGrad } from "./grad.ts";
import { t, useCpuBackend } from "./test-helpers.ts";

useCpuBackend();

/** Lets the garbage collector run and core's finalizers release what it found. */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  expect(gc, "run with --expose-gc (vitest.config passes it)").toBeTypeOf("function");
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

it("10,000 valueAndGrad calls with no tidy keep memory() flat", async () => {
  const params = { w: t([0.1, -0.2, 0.3, 0.4, 0.5, -0.6], [3, 2]), b: t([0.01, 0.02], [2]) };
  const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
  // Small on purpose: the CPU backend's cost per primitive, not autograd, sets the time of 10,000 steps.
  const loss = (p: typeof params) => ax.sum(ax.tanh(ax.add(ax.matmul(x, p.w), p.b)));
  const step = () => {
    const [value, grads] = valueAndGrad(loss)(params);
    return value.size + grads.w.size + grads.b.size;
  };
  for (let i = 0; i < 50; i++) step();
  await settle();
  const before = ax.memory();
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 2000; i++) step();
    await settle();
    samples.push(ax.memory().numBytes);
  }
  const after = ax.memory();
  // Nothing accumulates: the same tensors are alive after 10,000 steps as after 50.
  expect(after.numTensors - before.numTensors).toBeLessThanOrEqual(2);
  expect(Math.max(...samples) - before.numBytes).toBeLessThanOrEqual(256);
}, 60_000);
