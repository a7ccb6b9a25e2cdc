// Fashion-MNIST cut to the sizes a study asks for and standardized with one global mean and σ.
import * as ax from "@axon/axon";

const { data } = ax;

export interface FashionOptions {
  /** Training examples: the first ones of the 60,000 training images. */
  readonly trainSize: number;
  /** Test examples: the first ones of the 10,000 test images. */
  readonly testSize: number;
}

export interface Fashion {
  readonly train: ax.data.Dataset;
  readonly test: ax.data.Dataset;
}

let parts: { train: ax.data.Dataset; test: ax.data.Dataset } | null = null;

/** The first `n` examples of a data set, as a copy. */
function head(ds: ax.data.Dataset, n: number): ax.data.Dataset {
  const features = ds.x.length / ds.shape[0];
  return data.makeDataset({
    x: ds.x.slice(0, n * features),
    y: (ds.y as Int32Array).slice(0, n),
    shape: [n, ...ds.shape.slice(1)],
    numClasses: 10,
  });
}

/**
 * Fashion-MNIST images as rows of 784 pixels: the first `trainSize` training and `testSize` test
 * images, standardized with the global mean and σ of the training part (per-pixel σ would blow up
 * the rarely inked border pixels). The IDX files are read once per process.
 */
export function fashion(o: FashionOptions): Fashion {
  parts ??= data.fashionMnist({ featureShape: [784] });
  const trainMax = data.sizeOfDataset(parts.train);
  const testMax = data.sizeOfDataset(parts.test);
  if (!(Number.isInteger(o.trainSize) && o.trainSize >= 1 && o.trainSize <= trainMax))
    throw new Error(`fashion: trainSize must be an integer in [1, ${trainMax}], got ${o.trainSize}`);
  if (!(Number.isInteger(o.testSize) && o.testSize >= 1 && o.testSize <= testMax))
    throw new Error(`fashion: testSize must be an integer in [1, ${testMax}], got ${o.testSize}`);
  const standardizer = new data.Standardizer({ mode: "global" });
  const train = head(parts.train, o.trainSize);
  standardizer.fit(train);
  return {
    train: standardizer.transform(train, { inPlace: true }) as ax.data.Dataset,
    test: standardizer.transform(head(parts.test, o.testSize), { inPlace: true }) as ax.data.Dataset,
  };
}
