// A tensor made on one backend and used on another is copied for the kernel; a kernel that hands
// back its input's buffer (reshape) must leave the copy alive as the result's storage.
import {
  getBackend,
  memory,
  registerBackend,
  removeBackend,
  runPrimitive,
  setBackend,
  tensor,
} from "@axon/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CpuBackend } from "./backend.ts";

describe("tensors from another backend", async () => {
  // Two instances: both call themselves "cpu", so memory() counts them together.
  const y0 = () => getBackend();
  const buffers = () => memory().backends.cpu?.numBuffers ?? 0;
  beforeAll(() => {
    registerBackend("cpu-a", () => new CpuBackend());
    registerBackend("cpu-b", () => new CpuBackend());
  });
  afterAll(() => {
    removeBackend("cpu-a");
    removeBackend("cpu-b");
  });

  it("a reshape of a copied input keeps the copy as its storage", async () => {
    await setBackend("cpu-a");
    const x = tensor([1, 2, 3, 4, 5, 6], [6]);
    await setBackend("cpu-b");
    const before = buffers();
    expect(x.storageOrThrow("test").backend).not.toBe(y0());
    const y = runPrimitive("reshape", [x], { shape: [2, 3] });
    // Allocations after the reshape would reuse a freed block and overwrite it.
    const others = Array.from({ length: 8 }, (_, i) => tensor(new Float32Array(6).fill(100 + i), [6]));
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(buffers()).toBe(before + 1 + others.length);
    y.dispose();
    for (const o of others) o.dispose();
    expect(buffers()).toBe(before);
    x.dispose();
  });

  it("an elementwise op on a copied input frees the copy", async () => {
    await setBackend("cpu-a");
    const x = tensor([1, 2, 3], [3]);
    await setBackend("cpu-b");
    const before = buffers();
    const y = runPrimitive("neg", [x], {});
    expect(Array.from(y.dataSync())).toEqual([-1, -2, -3]);
    expect(buffers()).toBe(before + 1);
    y.dispose();
    x.dispose();
  });
});
