import { valueAndGrad } from "@axon/autograd";
import {
  Parameter,
  ShapeError,
  type Tensor,
  ValueError,
  add,
  ones,
  relu,
  sum,
  tensor,
  zeros,
} from "@axon/core";
import { describe, expect, it } from "vitest";
import { ModuleBuffer } from "./buffer.ts";
import { functionalCall } from "./functional-call.ts";
import { constant } from "./init/basic.ts";
import { BatchNorm } from "./layers/batch-norm.ts";
import { Dense } from "./layers/dense.ts";
import { ReLU } from "./layers/activation-layers.ts";
import { Dropout } from "./layers/dropout.ts";
import { Module } from "./module.ts";
import { l2 } from "./regularizers.ts";
import { Sequential } from "./sequential.ts";
import { useCpuBackend, values } from "./test-helpers.ts";

class Block extends Module {
  dense = new Dense(3, 4);
  bn = new BatchNorm(4);
  call(x: Tensor): Tensor {
    return relu(this.bn.call(this.dense.call(x)));
  }
}

class Net extends Module {
  dense1 = new Dense(2, 3, { kernelRegularizer: l2(0.1) });
  block = new Block();
  heads = [new Dense(4, 1), new Dense(4, 2)];
  scale = new Parameter(ones([1]), "scale");
  steps = new ModuleBuffer(zeros([1]), "steps");
  call(x: Tensor): Tensor {
    const h = this.block.call(this.dense1.call(x));
    return this.heads[0].call(h).mul(this.scale.value);
  }
}

describe("Module", () => {
  useCpuBackend();

  it("finds parameters, buffers and children in fields, arrays and registrations, with dotted names", () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      "dense1.kernel",
      "dense1.bias",
      "block.dense.kernel",
      "block.dense.bias",
      "block.bn.gamma",
      "block.bn.beta",
      "heads.0.kernel",
      "heads.0.bias",
      "heads.1.kernel",
      "heads.1.bias",
      "scale",
    ]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual([
      "block.bn.movingMean",
      "block.bn.movingVariance",
      "steps",
    ]);
    expect(net.namedModules().map(([n]) => n)).toEqual([
      "dense1",
      "block",
      "block.dense",
      "block.bn",
      "heads.0",
      "heads.1",
    ]);
    expect(net.children().length).toBe(4);
    expect(net.parameters().every((p) => p instanceof Parameter)).toBe(true);

    class Registered extends Module {
      constructor() {
        super();
        this.registerModule("first", new Dense(2, 2));
        this.registerParameter("w", zeros([2]));
        this.registerBuffer("count", zeros([]));
      }
      call(x: Tensor): Tensor {
        return x;
      }
    }
    const r = new Registered();
    expect(r.stateDict()).toHaveProperty("first.kernel");
    expect(Object.keys(r.stateDict())).toEqual(["first.kernel", "first.bias", "w", "count"]);
    expect(() => r.registerParameter("a.b", zeros([1]))).toThrow(
      "name must be a non-empty string without '.'",
    );
  });

  it("counts a shared layer once and names it where it is first reached", () => {
    const shared = new Dense(2, 2);
    const model = new Sequential([shared, new Dense(2, 2), shared]);
    expect(model.parameters().length).toBe(4);
    expect(model.namedParameters().map(([n]) => n)).toEqual(["0.kernel", "0.bias", "1.kernel", "1.bias"]);
  });

  it("train() and eval() propagate to every child", () => {
    const net = new Net();
    expect(net.training).toBe(true);
    net.eval();
    expect([net, ...net.namedModules().map(([, m]) => m)].every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.block.bn.training).toBe(true);
    expect(net.train(false).block.dense.training).toBe(false);
  });

  it("stateDict snapshots parameters and buffers; loadStateDict restores them", () => {
    const a = new Net();
    const b = new Net();
    const state = a.stateDict();
    expect(Object.keys(state)).toContain("block.bn.movingVariance");
    const before = values(state["dense1.kernel"]);
    // The snapshot survives the model's later updates.
    a.dense1.kernel.assign(zeros([2, 3]));
    expect(values(state["dense1.kernel"])).toEqual(before);
    const result = b.loadStateDict(state);
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(values(b.dense1.kernel.value)).toEqual(before);
    // Disposing the dict leaves the loaded model intact.
    for (const v of Object.values(state)) v.dispose();
    expect(values(b.dense1.kernel.value)).toEqual(before);
  });

  it("loadStateDict refuses missing and unexpected keys and wrong shapes, with clear errors and no partial load", () => {
    const model = new Sequential([new Dense(4, 3), new Dense(3, 2)]);
    const good = model.stateDict();
    const kernelBefore = values(model.at(0).parameters()[0].value);

    const { "1.bias": _dropped, ...missing } = good;
    expect(() => model.loadStateDict(missing)).toThrow(new ValueError("loadStateDict: missing key '1.bias'"));
    expect(() => model.loadStateDict({ ...good, extra: zeros([1]) })).toThrow(
      new ValueError("loadStateDict: unexpected key 'extra'"),
    );
    const wrong = { ...good, "0.kernel": ones([4, 3]), "1.kernel": zeros([3, 5]) };
    expect(() => model.loadStateDict(wrong)).toThrow(ShapeError);
    expect(() => model.loadStateDict(wrong)).toThrow(
      "shape mismatch for '1.kernel': expected [3,2], got [3,5]",
    );
    // The valid '0.kernel' in the rejected dict was not written.
    expect(values(model.at(0).parameters()[0].value)).toEqual(kernelBefore);

    const loose = model.loadStateDict({ "0.kernel": ones([4, 3]), other: zeros([1]) }, { strict: false });
    expect(loose.missingKeys).toEqual(["0.bias", "1.kernel", "1.bias"]);
    expect(loose.unexpectedKeys).toEqual(["other"]);
    expect(values(model.at(0).parameters()[0].value)).toEqual(Array(12).fill(1));
    expect(() => model.loadStateDict({ ...good, "0.bias": zeros([2]) }, { strict: false })).toThrow(
      "shape mismatch for '0.bias': expected [3], got [2]",
    );
    // Values are cast to the parameter's dtype.
    model.loadStateDict({ ...good, "0.bias": tensor([1, 2, 3], [3], "int32") });
    expect(model.at(0).parameters()[1].dtype).toBe("float32");
  });

  it("works under valueAndGrad with its parameters as the tree", () => {
    const model = new Sequential([new Dense(2, 3, { kernelInitializer: constant(0.5) }), new Dense(3, 1)]);
    const x = tensor([[1, 2]]);
    const [loss, grads] = valueAndGrad(() => sum(model.call(x)), model.parameters())();
    expect(loss.shape).toEqual([]);
    expect(grads.length).toBe(4);
    for (const [i, g] of grads.entries()) expect(g.shape).toEqual(model.parameters()[i].shape);
    // d(sum(x·K1·K2))/dK2 = (x·K1)ᵀ: each hidden unit is 0.5·(1 + 2) = 1.5.
    expect(values(grads[2])).toEqual([1.5, 1.5, 1.5]);
  });

  it("regularizationLoss sums the penalties of every layer", () => {
    const net = new Net();
    net.dense1.kernel.assign(
      tensor([
        [1, 2, 0],
        [0, -1, 0],
      ]),
    );
    expect(values(net.regularizationLoss())[0]).toBeCloseTo(0.05 * 6, 6);
    expect(values(new Sequential([new Dense(1, 1)]).regularizationLoss())).toEqual([0]);
  });

  it("functionalCall swaps parameters for the call and puts them back", () => {
    const dense = new Dense(2, 1, { kernelInitializer: constant(1) });
    const x = tensor([[1, 2]]);
    const original = dense.kernel;
    const k = tensor([[10], [20]]);
    const y = functionalCall(dense, { kernel: k }, () => dense.call(x));
    expect(values(y)).toEqual([50]);
    expect(dense.kernel).toBe(original);
    expect(k.kept).toBe(false);
    expect(values(dense.call(x))).toEqual([3]);
    expect(() => functionalCall(dense, { nope: k }, () => 0)).toThrow(
      "no parameter 'nope' (parameters: kernel, bias)",
    );
    expect(() => functionalCall(dense, { kernel: zeros([3, 1]) }, () => 0)).toThrow(
      "shape mismatch for 'kernel': expected [2,1], got [3,1]",
    );
  });

  it("summary lists layers, output shapes, parameter counts and totals, and changes nothing", () => {
    const model = new Sequential([
      new Dense(784, 256),
      new BatchNorm(256),
      new Dropout(0.2),
      new Dense(256, 10, { useBias: false }),
    ]);
    const meanBefore = values(model.buffers()[0].value);
    const text = model.summary([1, 784]);
    expect(text).toContain("0 (Dense)");
    expect(text).toMatch(/0 \(Dense\)\s+\[1,256\]\s+200,960/);
    expect(text).toMatch(/1 \(BatchNorm\)\s+\[1,256\]\s+512/);
    expect(text).toMatch(/2 \(Dropout\)\s+\[1,256\]\s+0/);
    expect(text).toMatch(/3 \(Dense\)\s+\[1,10\]\s+2,560/);
    expect(text).toContain("Total params: 204,032");
    expect(text).toContain("Trainable params: 204,032");
    expect(text).toContain("Non-trainable params: 0");
    expect(text).toContain("Buffers: 512");
    expect(model.training).toBe(true);
    expect(values(model.buffers()[0].value)).toEqual(meanBefore);
    expect(Object.hasOwn(model.at(0), "call")).toBe(false);

    const nested = new Net().summary([2, 2]);
    expect(nested).toMatch(/ {2}block\.bn \(BatchNorm\)\s+\[2,4\]\s+8/);
    expect(nested).toMatch(/\nheads\.1 \(Dense\)\s+\(not called\)\s+10/);
    const frozen = new Dense(2, 2);
    frozen.kernel.trainable = false;
    expect(frozen.summary([1, 2])).toContain("Non-trainable params: 4");
  });

  it("a custom model trains its own buffers outside the tape", () => {
    class Counter extends Module {
      seen = new ModuleBuffer(zeros([]), "seen");
      w = new Parameter(ones([2]), "w");
      call(x: Tensor): Tensor {
        this.seen.assign(add(this.seen.value, 1));
        return x.mul(this.w.value);
      }
    }
    const c = new Counter();
    const [, [g]] = valueAndGrad(() => sum(c.call(tensor([3, 4]))), c.parameters())();
    expect(values(g)).toEqual([3, 4]);
    expect(values(c.seen.value)).toEqual([1]);
    expect(c.parameters().length).toBe(1);
  });
  it("registerForwardHook sees each call's output until removed, and leaves no wrapper behind", () => {
    const model = new Sequential([new Dense(2, 3, { kernelInitializer: constant(1) }), new ReLU()]);
    const dense = model.at(0);
    const seen: number[][] = [];
    const remove = dense.registerForwardHook((y, x, m) => {
      expect(m).toBe(dense);
      expect(x.shape).toEqual([1, 2]);
      seen.push(values(y));
    });
    const removeSecond = dense.registerForwardHook(() => seen.push([-1]));
    model.call(tensor([[1, -3]]));
    expect(seen).toEqual([[-2, -2, -2], [-1]]);
    removeSecond();
    model.call(tensor([[1, 1]]));
    expect(seen.at(-1)).toEqual([2, 2, 2]);
    remove();
    remove(); // a second removal does nothing
    model.call(tensor([[1, 1]]));
    expect(seen).toHaveLength(3);
    expect(Object.hasOwn(dense, "call")).toBe(false);
    expect(() => dense.registerForwardHook(3 as never)).toThrow(
      /registerForwardHook: hook must be a function/,
    );
  });
});
