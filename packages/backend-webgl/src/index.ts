export {
  WebGLBackend,
  type WebGLBackendOptions,
  createWebGLBackend,
  registerWebGLBackend,
} from "./backend.ts";
export { ContextLostError } from "./gl/context.ts";
export { DEFAULT_HOST_EVAL_MAX } from "./host/index.ts";
export type { GLBuffer } from "./gl/buffer.ts";
