import { describe, expect, it } from "vitest";
import { classCounts, makeDataset } from "./dataset.ts";
import { trainTestSplit, trainValidationSplit } from "./split.ts";
import { numberedDataset } from "./test-helpers.ts";

/** Example i holds i·1000 + j, so the original position of a row is x[row·F] / 1000. */
const positions = (d: { x: Float32Array; shape: readonly number[] }) =>
  Array.from({ length: d.shape[0] }, (_, r) => d.x[r * (d.x.length / d.shape[0])] / 1000);

describe("trainValidationSplit and trainTestSplit", () => {
  const data = numberedDataset(100, 2, 4);

  it("hold out round(fraction · N) examples, disjoint from the rest and covering all", () => {
    const { train, validation } = trainValidationSplit(data, { validationFraction: 0.25, seed: 3 });
    expect(train.shape).toEqual([75, 2]);
    expect(validation.shape).toEqual([25, 2]);
    const all = [...positions(train), ...positions(validation)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // rows keep their labels and stay in the data set's order
    const p = positions(validation);
    expect(Array.from(validation.y)).toEqual(p.map((i) => i % 4));
    expect(p).toEqual([...p].sort((a, b) => a - b));
    expect(validation.numClasses).toBe(4);
  });

  it("depend only on the seed", () => {
    const a = trainTestSplit(data, { testFraction: 0.2, seed: 9 });
    const b = trainTestSplit(data, { testFraction: 0.2, seed: 9 });
    const c = trainTestSplit(data, { testFraction: 0.2, seed: 10 });
    expect(positions(a.test)).toEqual(positions(b.test));
    expect(positions(a.test)).not.toEqual(positions(c.test));
    expect(positions(trainTestSplit(data, { testFraction: 0.2 }).test)).toEqual(
      positions(trainTestSplit(data, { testFraction: 0.2, seed: 0 }).test),
    );
  });

  it("stratify holds out the same share of every class", () => {
    const y = Int32Array.from({ length: 200 }, (_, i) => (i < 150 ? 0 : i < 190 ? 1 : 2));
    const skewed = makeDataset({ x: new Float32Array(200), y, numClasses: 3 });
    for (const seed of [0, 1, 2]) {
      const { validation, train } = trainValidationSplit(skewed, {
        validationFraction: 0.1,
        seed,
        stratify: true,
      });
      expect(classCounts(validation)).toEqual([15, 4, 1]);
      expect(classCounts(train)).toEqual([135, 36, 9]);
    }
    // the total is still round(fraction · N) when the shares are fractions
    const odd = makeDataset({ x: new Float32Array(10), y: Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 2]) });
    const { validation } = trainValidationSplit(odd, { validationFraction: 0.5, stratify: true });
    expect(validation.shape[0]).toBe(5);
    expect(classCounts(validation).every((c) => c >= 1 && c <= 2)).toBe(true);
  });

  it("refuse fractions outside (0, 1), empty parts, and stratifying float targets", () => {
    expect(() => trainValidationSplit(data, { validationFraction: 1 })).toThrow(
      /validationFraction must be a number strictly between 0 and 1, got 1/,
    );
    expect(() => trainTestSplit(data, { testFraction: 0.001 })).toThrow(/leaves one part empty/);
    expect(() => trainTestSplit(data, {} as never)).toThrow(/testFraction/);
    const floats = makeDataset({ x: new Float32Array(4), y: new Float32Array(4) });
    expect(() => trainTestSplit(floats, { testFraction: 0.5, stratify: true })).toThrow(
      /stratify needs class indices/,
    );
  });
});
