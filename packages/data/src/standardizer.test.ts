import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import { type Dataset, makeDataset } from "./dataset.ts";
import { Standardizer } from "./standardizer.ts";
import { useCpuBackend } from "./test-helpers.ts";

useCpuBackend();

/** `n` examples of 4 features: feature f ~ offset f·10 + (f + 1)·noise, feature 3 constant 5. */
function sample(n: number, seed: number, shift = 0): Dataset {
  const x = new Float32Array(n * 4);
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < 3; f++) x[i * 4 + f] = shift + f * 10 + (f + 1) * next();
    x[i * 4 + 3] = 5;
  }
  return makeDataset({ x, y: new Int32Array(n), shape: [n, 4] });
}

/** Per-feature mean and population variance of a data set's x. */
function stats(d: Dataset): { mean: number[]; variance: number[] } {
  const n = d.shape[0];
  const f = d.x.length / n;
  const mean = new Array(f).fill(0);
  const variance = new Array(f).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j] += d.x[i * f + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) variance[j] += (d.x[i * f + j] - mean[j]) ** 2 / n;
  return { mean, variance };
}

describe("Standardizer", () => {
  const train = sample(500, 1);
  const validation = sample(200, 2, 3); // other statistics: shifted by 3

  it("per feature: the training set comes out with mean ≈ 0 and variance ≈ 1", () => {
    const s = new Standardizer();
    const out = s.fitTransform(train);
    const { mean, variance } = stats(out);
    for (let f = 0; f < 3; f++) {
      expect(mean[f]).toBeCloseTo(0, 5);
      expect(variance[f]).toBeCloseTo(1, 4);
    }
    expect(out.shape).toEqual(train.shape);
    expect(out.x).not.toBe(train.x);
    expect(Array.from(s.mean)).toEqual(stats(train).mean.map((m) => expect.closeTo(m, 5)));
  });

  it("a constant feature is only centred: 0 on the training set, finite elsewhere", () => {
    const s = new Standardizer().fit(train);
    expect(s.variance[3]).toBe(0);
    const out = s.transform(train);
    for (let i = 0; i < 500; i++) expect(out.x[i * 4 + 3]).toBe(0);
    const other = makeDataset({ x: Float32Array.from([0, 10, 20, 6]), y: new Int32Array(1), shape: [1, 4] });
    expect(s.transform(other).x[3]).toBeCloseTo(1, 6); // (6 − 5) / 1, not (6 − 5) / √ε
  });

  it("minStd floors the divisor: a rarely-set feature stays on the scale of the rest", () => {
    // Feature 1 is non-zero in one example of 1000: σ ≈ 0.03, so a test value of 1 would be ≈ 32σ.
    const n = 1000;
    const x = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) x[i * 2] = (i % 10) / 10;
    x[1] = 1;
    const rare = makeDataset({ x, y: new Int32Array(n), shape: [n, 2] });
    const test = makeDataset({ x: Float32Array.from([0.5, 1]), y: new Int32Array(1), shape: [1, 2] });
    expect(new Standardizer().fit(rare).transform(test).x[1]).toBeGreaterThan(30);
    const floored = new Standardizer({ minStd: 0.1 }).fit(rare);
    expect(floored.transform(test).x[1]).toBeCloseTo((1 - 0.001) / 0.1, 4);
    // Features above the floor are untouched: feature 0 has σ ≈ 0.29.
    const plain = new Standardizer().fit(rare);
    expect(floored.transform(test).x[0]).toBe(plain.transform(test).x[0]);
    expect(Standardizer.fromJSON(floored.toJSON()).transform(test).x).toEqual(floored.transform(test).x);
    expect(() => new Standardizer({ minStd: -1 })).toThrow(
      "Standardizer: minStd must be a finite number ≥ 0, got -1",
    );
  });

  it("uses the training statistics only: transforming a validation set changes nothing fitted", () => {
    const s = new Standardizer().fit(train);
    const before = JSON.stringify(s.toJSON());
    const out = s.transform(validation);
    expect(JSON.stringify(s.toJSON())).toBe(before);
    // the validation set keeps its own shift, measured in training units
    const mean = Array.from(s.mean);
    const std = Array.from(s.variance, Math.sqrt);
    for (let f = 0; f < 3; f++) {
      expect(out.x[f]).toBeCloseTo((validation.x[f] - mean[f]) / std[f], 4);
      expect(stats(out).mean[f]).toBeGreaterThan(0.5);
    }
    // fitting on validation would give other numbers
    expect(JSON.stringify(new Standardizer().fit(validation).toJSON())).not.toBe(before);
  });

  it("global mode: one mean and one variance for every element", () => {
    const s = new Standardizer({ mode: "global" }).fit(train);
    expect(s.mean.length).toBe(1);
    const all = Array.from(train.x);
    const m = all.reduce((a, b) => a + b, 0) / all.length;
    const v = all.reduce((a, b) => a + (b - m) ** 2, 0) / all.length;
    expect(s.mean[0]).toBeCloseTo(m, 4);
    expect(s.variance[0]).toBeCloseTo(v, 3);
    const out = Array.from(s.transform(train).x);
    const m2 = out.reduce((a, b) => a + b, 0) / out.length;
    expect(m2).toBeCloseTo(0, 5);
    expect(out.reduce((a, b) => a + (b - m2) ** 2, 0) / out.length).toBeCloseTo(1, 4);
  });

  it("round-trips through toJSON and fromJSON exactly, as a checkpoint stores it", () => {
    const s = new Standardizer({ epsilon: 1e-4 }).fit(train);
    const text = JSON.stringify(s);
    const back = Standardizer.fromJSON(text);
    expect(back.toJSON()).toEqual(s.toJSON());
    expect(back.epsilon).toBe(1e-4);
    expect(back.featureShape).toEqual([4]);
    expect(back.transform(validation).x).toEqual(s.transform(validation).x);
    const state = s.toJSON();
    expect(() => Standardizer.fromJSON({ ...state, format: "other" } as never)).toThrow(
      /format 'axon.standardizer'/,
    );
    expect(() => Standardizer.fromJSON({ ...state, version: 2 } as never)).toThrow(/unsupported version 2/);
    expect(() => Standardizer.fromJSON({ ...state, mean: [1, 2] })).toThrow(
      /mean must hold 4 finite numbers/,
    );
    expect(() => Standardizer.fromJSON({ ...state, variance: [1, 1, -1, 0] })).toThrow(/negative/);
  });

  it("standardizes tensors like data sets, with broadcasting over the batch", () => {
    const s = new Standardizer().fit(train);
    const t = ax.makeTensor(validation.x, [200, 4], "float32");
    const out = s.transform(t);
    expect(out.shape).toEqual([200, 4]);
    const host = s.transform(validation).x;
    const values = out.dataSync() as Float32Array;
    for (let i = 0; i < values.length; i++) expect(values[i]).toBeCloseTo(host[i], 4);
    const fromTensor = new Standardizer().fit(ax.makeTensor(train.x, [500, 4], "float32"));
    expect(fromTensor.toJSON()).toEqual(s.toJSON());
  });

  it("transforms in place on request, and accepts another shape with the same features", () => {
    const copy = makeDataset({ x: validation.x.slice(), y: validation.y, shape: [200, 2, 2] });
    const s = new Standardizer().fit(train);
    const out = s.transform(copy, { inPlace: true });
    expect(out).toBe(copy);
    expect(copy.x).toEqual(s.transform(validation).x);
  });

  it("refuses to transform before fitting, other feature counts, and bad options", () => {
    expect(() => new Standardizer().transform(train)).toThrow(/not fitted; call fit/);
    const s = new Standardizer().fit(train);
    const wide = makeDataset({ x: new Float32Array(10), y: new Int32Array(2), shape: [2, 5] });
    expect(() => s.transform(wide)).toThrow(/fitted on examples of shape \[4\], got examples of shape \[5\]/);
    expect(() => new Standardizer({ mode: "pixel" as never })).toThrow(/mode must be 'feature' or 'global'/);
    expect(() => new Standardizer({ epsilon: -1 })).toThrow(/epsilon/);
    const empty = makeDataset({ x: new Float32Array(0), y: new Int32Array(0), shape: [0, 4] });
    expect(() => new Standardizer().fit(empty)).toThrow(/0 examples/);
  });
});
