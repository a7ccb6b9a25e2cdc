import type { Backend } from "./backend.ts";
import { type DType, type TypedArray, bytesPerElement, isFloat } from "./dtype.ts";
import {
  AxonError,
  BackendError,
  DisposedError,
  DTypeError,
  NumericsError,
  ValueError,
  fmtShape,
} from "./errors.ts";
import { PRIMITIVES, type PrimAttrs, type PrimName, type TensorSpec } from "./primitives/index.ts";
import { type Shape, sizeOf } from "./shape.ts";
import { Tensor } from "./tensor.ts";

/** A backend buffer shared by every tensor that views it (reshape shares); freed when the last one goes. */
export class Storage {
  refs = 0;
  constructor(
    readonly backend: Backend,
    readonly buffer: unknown,
    readonly bytes: number,
  ) {}
}

/**
 * An interpreter sits in the dispatch stack (§4 of docs/architecture.md): the tape of autograd
 * and the tracer of the compiler are interpreters. `next` hands the application to the level
 * below (eventually the eager kernel); an interpreter may record, replace or wrap the result.
 */
export interface Interpreter {
  apply<P extends PrimName>(
    prim: P,
    inputs: readonly Tensor[],
    attrs: PrimAttrs[P],
    out: TensorSpec,
    next: (inputs: readonly Tensor[]) => Tensor,
  ): Tensor;
}

interface BackendEntry {
  factory: () => Backend | Promise<Backend>;
  priority: number;
  instance?: Backend;
}

interface Counts {
  numTensors: number;
  numBytes: number;
  numBuffers: number;
}

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

const state = {
  backends: new Map<string, BackendEntry>(),
  active: null as Backend | null,
  interpreters: [] as Interpreter[],
  scopes: [] as Tensor[][],
  debug: env.AXON_DEBUG === "1" || env.AXON_DEBUG === "true",
  counts: new Map<string, Counts>(),
};

// ---------------------------------------------------------------- backends

/** Makes a backend available under `name`; the highest priority one is used until `setBackend`. */
export function registerBackend(
  name: string,
  factory: () => Backend | Promise<Backend>,
  options: { priority?: number } = {},
): void {
  if (typeof name !== "string" || name.length === 0)
    throw new ValueError("registerBackend: name must be a non-empty string");
  if (typeof factory !== "function")
    throw new ValueError(`registerBackend: factory for '${name}' must be a function`);
  const old = state.backends.get(name);
  if (old?.instance && state.active === old.instance) state.active = null;
  state.backends.set(name, { factory, priority: options.priority ?? 1 });
}

/** Removes a backend (its live tensors stay readable only if it is registered again with the same instance). */
export function removeBackend(name: string): void {
  const entry = state.backends.get(name);
  if (!entry) return;
  if (entry.instance && state.active === entry.instance) state.active = null;
  state.backends.delete(name);
}

export function registeredBackends(): string[] {
  return [...state.backends.keys()];
}

/** Switches the active backend, starting it if needed (WebGL's start is asynchronous). */
export async function setBackend(name: string): Promise<void> {
  const entry = state.backends.get(name);
  if (!entry)
    throw new BackendError(
      `setBackend: no backend named '${name}' (registered: ${registeredBackends().join(", ") || "none"})`,
    );
  if (!entry.instance) {
    try {
      entry.instance = await entry.factory();
    } catch (e) {
      throw new BackendError(`setBackend: backend '${name}' failed to start: ${(e as Error).message}`);
    }
  }
  state.active = entry.instance;
}

/** Starts a registered backend synchronously (its factory must not be async). */
function startSync(name: string, entry: BackendEntry): Backend {
  if (!entry.instance) {
    const made = entry.factory();
    if (made instanceof Promise)
      throw new BackendError(
        `backend '${name}' starts asynchronously: call 'await setBackend("${name}")' first`,
      );
    entry.instance = made;
  }
  return entry.instance;
}

/** The active backend; without a `setBackend` call, the registered one with the highest priority. */
export function getBackend(): Backend {
  if (state.active) return state.active;
  const entries = [...state.backends.entries()].sort((a, b) => b[1].priority - a[1].priority);
  if (entries.length === 0) {
    throw new BackendError(
      "no backend is registered: import '@axon/axon' (which registers the CPU backend) or call registerBackend",
    );
  }
  for (const [name, entry] of entries) {
    try {
      state.active = startSync(name, entry);
      return state.active;
    } catch {
      // try the next one: a backend that cannot start synchronously or at all is skipped
    }
  }
  throw new BackendError(
    `no registered backend could start synchronously (${entries.map((e) => e[0]).join(", ")})`,
  );
}

/** The instance behind a backend name, starting it synchronously if needed. */
export function findBackend(name: string): Backend {
  const entry = state.backends.get(name);
  if (!entry)
    throw new BackendError(
      `no backend named '${name}' (registered: ${registeredBackends().join(", ") || "none"})`,
    );
  return startSync(name, entry);
}

// ---------------------------------------------------------------- memory

function countsOf(backend: Backend): Counts {
  let c = state.counts.get(backend.name);
  if (!c) state.counts.set(backend.name, (c = { numTensors: 0, numBytes: 0, numBuffers: 0 }));
  return c;
}

interface Held {
  storage: Storage;
}

// Releases the buffer of a tensor that became unreachable without dispose().
const finalizer = new FinalizationRegistry<Held>((held) => {
  countsOf(held.storage.backend).numTensors--;
  releaseStorage(held.storage);
});

function retainStorage(storage: Storage): void {
  if (storage.refs === 0) {
    const c = countsOf(storage.backend);
    c.numBuffers++;
    c.numBytes += storage.bytes;
  }
  storage.refs++;
}

function releaseStorage(storage: Storage): void {
  storage.refs--;
  if (storage.refs === 0) {
    const c = countsOf(storage.backend);
    c.numBuffers--;
    c.numBytes -= storage.bytes;
    storage.backend.free(storage.buffer);
  }
}

/** Wraps a storage in a new tensor: counted, tracked by the innermost tidy, released by GC if forgotten. */
export function makeTensorFromStorage(shape: Shape, dtype: DType, storage: Storage): Tensor {
  retainStorage(storage);
  const t = new Tensor(shape, dtype, storage);
  countsOf(storage.backend).numTensors++;
  finalizer.register(t, { storage }, t);
  const scope = state.scopes[state.scopes.length - 1];
  if (scope) scope.push(t);
  return t;
}

/** Called by Tensor.dispose(). */
export function disposeTensor(t: Tensor, storage: Storage): void {
  finalizer.unregister(t);
  countsOf(storage.backend).numTensors--;
  releaseStorage(storage);
}

/** Creates a tensor holding `values` on the active (or named) backend. `values` is copied. */
export function makeTensor(
  values: TypedArray,
  shape: Shape,
  dtype: DType,
  backend: Backend = getBackend(),
): Tensor {
  checkBackendDType(backend, dtype, "tensor");
  const buffer = backend.write(values, dtype);
  return makeTensorFromStorage(
    shape,
    dtype,
    new Storage(backend, buffer, sizeOf(shape) * bytesPerElement(dtype)),
  );
}

export interface MemoryInfo extends Counts {
  backends: Record<string, Counts>;
}

/** Live tensors, buffers and bytes, in total and per backend. */
export function memory(): MemoryInfo {
  const backends: Record<string, Counts> = {};
  const total: Counts = { numTensors: 0, numBytes: 0, numBuffers: 0 };
  for (const [name, c] of state.counts) {
    backends[name] = { ...c };
    total.numTensors += c.numTensors;
    total.numBytes += c.numBytes;
    total.numBuffers += c.numBuffers;
  }
  return { ...total, backends };
}

// ---------------------------------------------------------------- tidy

/** Visits every tensor in a tree of arrays, plain objects and Maps. */
export function forEachTensor(tree: unknown, fn: (t: Tensor) => void, seen = new Set<unknown>()): void {
  if (tree instanceof Tensor) {
    fn(tree);
    return;
  }
  if (tree === null || typeof tree !== "object" || seen.has(tree)) return;
  seen.add(tree);
  if (Array.isArray(tree)) for (const v of tree) forEachTensor(v, fn, seen);
  else if (tree instanceof Map) for (const v of tree.values()) forEachTensor(v, fn, seen);
  else if (Object.getPrototypeOf(tree) === Object.prototype)
    for (const v of Object.values(tree)) forEachTensor(v, fn, seen);
}

/**
 * Runs `fn` and disposes every tensor created inside it except those it returns (in any tree of
 * arrays and objects) and those passed to `keep`. `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new ValueError(`tidy: expected a function, got ${typeof fn}`);
  const scope: Tensor[] = [];
  state.scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    state.scopes.pop();
    for (const t of scope) if (!t.kept) t.dispose();
    throw e;
  }
  state.scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) if (!t.kept) t.dispose();
    throw new ValueError("tidy: fn returned a Promise; tidy only works with synchronous functions");
  }
  const keepers = new Set<Tensor>();
  forEachTensor(result, (t) => keepers.add(t));
  const parent = state.scopes[state.scopes.length - 1];
  for (const t of scope) {
    if (keepers.has(t) || t.kept) {
      if (parent && !t.kept) parent.push(t);
    } else t.dispose();
  }
  return result;
}

/** Exempts a tensor from every enclosing and future tidy. */
export function keep<T extends Tensor>(t: T): T {
  t.kept = true;
  return t;
}

/** Disposes every tensor in a tree. */
export function dispose(tree: unknown): void {
  forEachTensor(tree, (t) => t.dispose());
}

// ---------------------------------------------------------------- debug mode

/** In debug mode every eager primitive checks its output and names the first one that turns finite inputs into NaN or Inf. */
export function setDebugMode(on: boolean): void {
  state.debug = on;
}

export function isDebugMode(): boolean {
  return state.debug;
}

function firstNonFinite(values: TypedArray): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

function checkNumerics(prim: PrimName, inputs: readonly Tensor[], out: Tensor): void {
  if (!isFloat(out.dtype)) return;
  const bad = firstNonFinite(out.dataSync());
  if (bad < 0) return;
  if (inputs.some((t) => isFloat(t.dtype) && firstNonFinite(t.dataSync()) >= 0)) return;
  const value = out.dataSync()[bad];
  throw new NumericsError(
    `${prim}: produced ${value} at flat index ${bad} of an output of shape ${fmtShape(out.shape)} from finite inputs of shapes ${inputs.map((t) => fmtShape(t.shape)).join(", ") || "(none)"}`,
  );
}

// ---------------------------------------------------------------- dispatch

/** Pushes an interpreter for the duration of `fn` (innermost last). */
export function withInterpreter<T>(interpreter: Interpreter, fn: () => T): T {
  state.interpreters.push(interpreter);
  try {
    return fn();
  } finally {
    const i = state.interpreters.lastIndexOf(interpreter);
    if (i >= 0) state.interpreters.splice(i, 1);
  }
}

/** The interpreters in force, outermost first (read-only view for tools). */
export function activeInterpreters(): readonly Interpreter[] {
  return state.interpreters;
}

function checkBackendDType(backend: Backend, dtype: DType, op: string): void {
  if (!backend.dtypes.includes(dtype)) {
    throw new DTypeError(
      `${op}: backend '${backend.name}' does not support dtype ${dtype} (it supports ${backend.dtypes.join(", ")})`,
    );
  }
}

/** The same tensor's data on `backend` (a copy when it lives elsewhere). */
function onBackend(t: Tensor, backend: Backend): { buffer: unknown; storage?: Storage } {
  const s = t.storageOrThrow("dispatch");
  if (s.backend === backend) return { buffer: s.buffer, storage: s };
  checkBackendDType(backend, t.dtype, "dispatch");
  return { buffer: backend.write(s.backend.readSync(s.buffer, t.dtype, t.size), t.dtype) };
}

function runEager<P extends PrimName>(
  prim: P,
  inputs: readonly Tensor[],
  attrs: PrimAttrs[P],
  out: TensorSpec,
): Tensor {
  const backend = getBackend();
  checkBackendDType(backend, out.dtype, prim);
  const moved = inputs.map((t) => onBackend(t, backend));
  let buffer: unknown;
  try {
    buffer = backend.run(
      prim,
      moved.map((m, i) => ({ buffer: m.buffer, shape: inputs[i].shape, dtype: inputs[i].dtype })),
      attrs,
      out,
    );
  } finally {
    // Copies from other backends are freed, unless the kernel handed one back as its result.
    for (const m of moved) if (!m.storage && m.buffer !== buffer) backend.free(m.buffer);
  }
  const shared = moved.find((m) => m.storage && m.buffer === buffer)?.storage;
  const storage = shared ?? new Storage(backend, buffer, sizeOf(out.shape) * bytesPerElement(out.dtype));
  const result = makeTensorFromStorage(out.shape, out.dtype, storage);
  if (state.debug) {
    try {
      checkNumerics(prim, inputs, result);
    } catch (e) {
      result.dispose();
      throw e;
    }
  }
  return result;
}

function applyAt<P extends PrimName>(
  level: number,
  prim: P,
  inputs: readonly Tensor[],
  attrs: PrimAttrs[P],
  out: TensorSpec,
): Tensor {
  if (level < 0) return runEager(prim, inputs, attrs, out);
  return state.interpreters[level].apply(prim, inputs, attrs, out, (next) =>
    applyAt(level - 1, prim, next, attrs, out),
  );
}

/**
 * The one dispatch function: validates and infers the output of `prim`, then hands it to the
 * innermost interpreter (tracer, tape) or, with none, to the active backend's kernel.
 */
export function runPrimitive<P extends PrimName>(
  prim: P,
  inputs: readonly Tensor[],
  attrs: PrimAttrs[P],
): Tensor {
  const def = PRIMITIVES[prim];
  if (!def) throw new AxonError(`runPrimitive: unknown primitive '${String(prim)}'`);
  if (def.arity !== "variadic" && inputs.length !== def.arity) {
    throw new ValueError(`${prim}: expected ${def.arity} tensor inputs, got ${inputs.length}`);
  }
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError(`${prim}: input ${i} must be a Tensor, got ${typeof t}`);
    if (t.isDisposed)
      throw new DisposedError(`${prim}: input ${i} (shape ${fmtShape(t.shape)}) was disposed`);
  });
  const out = def.infer(inputs, attrs);
  return applyAt(state.interpreters.length - 1, prim, inputs, attrs, out);
}
