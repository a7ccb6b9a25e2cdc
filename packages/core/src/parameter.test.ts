import { beforeAll, describe, expect, it } from "vitest";
import { makeTensor, memory, registerBackend, setBackend, tidy } from "./engine.ts";
import { ValueError } from "./errors.ts";
import { Parameter } from "./parameter.ts";
import type { Backend } from "./backend.ts";
import type { TypedArray } from "./dtype.ts";

// A minimal backend that can hold data (Parameter runs no primitive).
const holder: Backend<TypedArray> = {
  name: "holder",
  dtypes: ["float32", "int32"],
  write: (v) => v.slice(),
  readSync: (b) => b.slice(),
  read: async (b) => b.slice(),
  free: () => {},
  run: () => {
    throw new Error("holder runs no primitive");
  },
};

describe("Parameter", () => {
  beforeAll(async () => {
    registerBackend("holder", () => holder, { priority: -1 });
    await setBackend("holder");
  });

  it("survives tidy and swaps values with assign, disposing the old one", () => {
    const p = tidy(() => new Parameter(makeTensor(new Float32Array([1, 2]), [2], "float32"), "w"));
    expect(Array.from(p.value.dataSync())).toEqual([1, 2]);
    const old = p.value;
    p.assign(makeTensor(new Float32Array([3, 4]), [2], "float32"));
    expect(old.isDisposed).toBe(true);
    expect(Array.from(p.value.dataSync())).toEqual([3, 4]);
    const before = memory().backends.holder.numTensors;
    p.dispose();
    expect(memory().backends.holder.numTensors).toBe(before - 1);
  });

  it("refuses a value of another shape or dtype, naming the parameter", () => {
    const p = new Parameter(makeTensor(new Float32Array(2), [2], "float32"), "bias");
    expect(() => p.assign(makeTensor(new Float32Array(3), [3], "float32"))).toThrow(ValueError);
    expect(() => p.assign(makeTensor(new Int32Array(2), [2], "int32"))).toThrow(
      /^Parameter 'bias'.assign: expected shape \[2\] and dtype float32, got \[2\] and int32$/,
    );
  });
});
