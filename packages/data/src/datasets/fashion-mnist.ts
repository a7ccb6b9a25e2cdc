import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "../dataset.ts";
import { DataError } from "../errors.ts";
import { type Idx, readIdx } from "../idx.ts";
import { type ImageDatasetOptions, imageDataset } from "./images.ts";

/** Where Debian's package `dataset-fashion-mnist` installs the four IDX files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

const FILES = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
} as const;

const ALL_FILES = Object.values(FILES)
  .flatMap((f) => [f.images, f.labels])
  .map((f) => `${f}.gz`)
  .join(", ");

function howToGetThem(): string {
  return (
    `Install Debian's package for the default directory ${FASHION_MNIST_DIR} ` +
    `(apt-get install dataset-fashion-mnist), or pass fashionMnist({ dir }) with a directory holding ${ALL_FILES} (gzipped or not).`
  );
}

function findFile(dir: string, name: string): string {
  for (const file of [join(dir, `${name}.gz`), join(dir, name)]) if (existsSync(file)) return file;
  throw new DataError(`fashionMnist: ${dir} has no ${name}.gz (nor ${name}). ${howToGetThem()}`);
}

function readSplit(dir: string, split: "train" | "test", options: ImageDatasetOptions): Dataset {
  const imagesFile = findFile(dir, FILES[split].images);
  const labelsFile = findFile(dir, FILES[split].labels);
  const images: Idx = readIdx(imagesFile);
  const labels: Idx = readIdx(labelsFile);
  if (
    images.type !== "uint8" ||
    images.shape.length !== 3 ||
    images.shape[1] !== 28 ||
    images.shape[2] !== 28
  )
    throw new DataError(
      `fashionMnist: ${imagesFile} should hold uint8 images [N,28,28], found ${images.type} [${images.shape.join(",")}]`,
    );
  if (labels.type !== "uint8" || labels.shape.length !== 1)
    throw new DataError(
      `fashionMnist: ${labelsFile} should hold uint8 labels [N], found ${labels.type} [${labels.shape.join(",")}]`,
    );
  if (labels.shape[0] !== images.shape[0])
    throw new DataError(
      `fashionMnist: ${imagesFile} holds ${images.shape[0]} images but ${labelsFile} holds ${labels.shape[0]} labels`,
    );
  const y = Int32Array.from(labels.data);
  const bad = y.findIndex((c) => c > 9);
  if (bad >= 0) throw new DataError(`fashionMnist: ${labelsFile} label ${bad} is ${y[bad]}, expected 0..9`);
  return imageDataset(
    "fashionMnist",
    images.data as Uint8Array,
    y,
    [28, 28],
    FASHION_MNIST_CLASS_NAMES,
    options,
  );
}

/**
 * Fashion-MNIST (Zalando): 60,000 training and 10,000 test images of clothes in 10 classes, read
 * from the standard IDX files in `dir` (default: where Debian's `dataset-fashion-mnist` puts them).
 */
export function fashionMnist(options: ImageDatasetOptions & { readonly dir?: string } = {}): {
  train: Dataset;
  test: Dataset;
} {
  const dir = options.dir ?? FASHION_MNIST_DIR;
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new DataError(`fashionMnist: no data directory ${dir}. ${howToGetThem()}`);
  return { train: readSplit(dir, "train", options), test: readSplit(dir, "test", options) };
}
