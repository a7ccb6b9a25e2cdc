export { DataError } from "./errors.ts";
export { type Idx, type IdxArray, type IdxType, encodeIdx, readIdx, writeIdx } from "./idx.ts";
export {
  type Dataset,
  type DatasetInit,
  classCounts,
  gatherRows,
  makeDataset,
  rowSizes,
  sizeOfDataset,
  subset,
  withFeatureShape,
} from "./dataset.ts";
export type { ImageDatasetOptions } from "./datasets/images.ts";
export { MNIST_CLASS_NAMES, mnist } from "./datasets/mnist.ts";
export { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_DIR, fashionMnist } from "./datasets/fashion-mnist.ts";
export {
  Standardizer,
  type StandardizerMode,
  type StandardizerOptions,
  type StandardizerState,
} from "./standardizer.ts";
export { type Batch, type BatchOptions, DataLoader, type HostBatch, batches, numBatches } from "./batches.ts";
export { type SplitOptions, splitIndices, trainTestSplit, trainValidationSplit } from "./split.ts";
export { derivedKey, shuffledIndices } from "./shuffle.ts";
