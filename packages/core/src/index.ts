export * from "./errors.ts";
export * from "./dtype.ts";
export * from "./shape.ts";
export * from "./primitives/index.ts";
export * from "./backend.ts";
export {
  registerBackend,
  removeBackend,
  registeredBackends,
  setBackend,
  getBackend,
  findBackend,
  memory,
  tidy,
  keep,
  dispose,
  setDebugMode,
  isDebugMode,
  runPrimitive,
  withInterpreter,
  activeInterpreters,
  makeTensor,
  makeTensorFromStorage,
  forEachTensor,
  Storage,
  type Interpreter,
  type MemoryInfo,
} from "./engine.ts";
export { Tensor, type NestedArray } from "./tensor.ts";
export * from "./random/philox.ts";
export * from "./random/key.ts";
export * from "./ops/index.ts";
export { formatTensor, type FormatOptions } from "./format.ts";
export { fromNdarray, toNdarray } from "./interop/ndarray.ts";
export { Parameter } from "./parameter.ts";
