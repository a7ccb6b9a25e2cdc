// Everything that runs anywhere (also at @axon/data/browser), plus what reads and writes files.
export * from "./browser.ts";
export { type Idx, type IdxArray, type IdxType, encodeIdx, readIdx, writeIdx } from "./idx.ts";
export { mnist } from "./datasets/mnist.ts";
export { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_DIR, fashionMnist } from "./datasets/fashion-mnist.ts";
