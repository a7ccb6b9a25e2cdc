// The MNIST digits split and standardized the way the studies use them, loaded once per process.
import * as ax from "@axon/axon";

const { data } = ax;

export interface DigitsOptions {
  /** Training examples (at most 8,000: 2,000 of the 10,000 are always held out for the test). */
  readonly trainSize: number;
  /** Test examples, from the held-out 2,000. */
  readonly testSize: number;
  /** `standardized`: one global mean and σ fitted on the training part (default); `unit`: pixels in [0, 1]; `raw`: pixels 0–255. */
  readonly scaling?: "standardized" | "unit" | "raw";
  /** The shape of one example (default [784]; [28, 28, 1] for conv layers). */
  readonly featureShape?: readonly number[];
}

export interface Digits {
  readonly train: ax.data.Dataset;
  readonly test: ax.data.Dataset;
}

const TEST_FRACTION = 0.2;
let split: { train: ax.data.Dataset; test: ax.data.Dataset } | null = null;

/**
 * A fixed 8,000 / 2,000 split of `ax.data.mnist()` (seed 0, the same for every study), cut to the
 * requested sizes and scaled. The raw pixels are read once per process.
 */
export function digits(o: DigitsOptions): Digits {
  const { trainSize, testSize } = o;
  split ??= data.trainTestSplit(data.mnist({ scale: false, featureShape: [784] }), {
    testFraction: TEST_FRACTION,
    seed: 0,
  });
  const trainMax = data.sizeOfDataset(split.train);
  const testMax = data.sizeOfDataset(split.test);
  if (!(Number.isInteger(trainSize) && trainSize >= 1 && trainSize <= trainMax))
    throw new Error(`digits: trainSize must be an integer in [1, ${trainMax}], got ${trainSize}`);
  if (!(Number.isInteger(testSize) && testSize >= 1 && testSize <= testMax))
    throw new Error(`digits: testSize must be an integer in [1, ${testMax}], got ${testSize}`);
  const shape = o.featureShape ?? [784];
  const first = (ds: ax.data.Dataset, n: number) => {
    const x = ds.x.slice(0, n * 784);
    return data.makeDataset({
      x,
      y: (ds.y as Int32Array).slice(0, n),
      shape: [n, ...shape],
      numClasses: 10,
    });
  };
  let train = first(split.train, trainSize);
  let test = first(split.test, testSize);
  const scaling = o.scaling ?? "standardized";
  if (scaling === "unit") {
    for (const ds of [train, test]) for (let i = 0; i < ds.x.length; i++) ds.x[i] /= 255;
  } else if (scaling === "standardized") {
    const s = new data.Standardizer({ mode: "global" }).fit(train);
    train = s.transform(train, { inPlace: true }) as ax.data.Dataset;
    test = s.transform(test, { inPlace: true }) as ax.data.Dataset;
  }
  return { train, test };
}

/** Examples `[start, start + size)` of a data set as tensors (x float32, y int32 class indices). */
export function rows(ds: ax.data.Dataset, start: number, size: number): { x: ax.Tensor; y: ax.Tensor } {
  const features = ds.x.length / ds.shape[0];
  const end = Math.min(start + size, ds.shape[0]);
  return {
    x: ax.tensor(ds.x.subarray(start * features, end * features), [end - start, ...ds.shape.slice(1)]),
    y: ax.tensor((ds.y as Int32Array).subarray(start, end), [end - start], "int32"),
  };
}

/** The fraction of rows of `logits` whose largest entry is at the label. */
export function accuracy(logits: ax.Tensor, labels: ax.Tensor): number {
  return ax.tidy(() => ax.mean(ax.cast(ax.equal(ax.argmax(logits, -1), labels), "float32")).dataSync()[0]);
}
