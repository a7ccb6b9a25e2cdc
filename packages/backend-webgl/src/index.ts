export { WebGLBackend, createWebGLBackend, registerWebGLBackend } from "./backend.ts";
export { ContextLostError } from "./gl/context.ts";
export type { GLBuffer } from "./gl/buffer.ts";
