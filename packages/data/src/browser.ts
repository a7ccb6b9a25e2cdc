/**
 * The parts of @axon/data that run in a web page: everything except what reads files (the IDX
 * functions `readIdx`, `writeIdx` and `encodeIdx` import node:fs and node:zlib; `mnist()` and
 * `fashionMnist()` read from disk). The MNIST digits come through `loadMnist`, which fetches them.
 */
export { DataError } from "./errors.ts";
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
export {
  Standardizer,
  type StandardizerMode,
  type StandardizerOptions,
  type StandardizerState,
} from "./standardizer.ts";
export { type Batch, type BatchOptions, DataLoader, type HostBatch, batches, numBatches } from "./batches.ts";
export { type SplitOptions, splitIndices, trainTestSplit, trainValidationSplit } from "./split.ts";
export { derivedKey, shuffledIndices } from "./shuffle.ts";
export { MNIST_CLASS_NAMES, loadMnist, mnistFromDigitFiles } from "./datasets/mnist-digits.ts";
