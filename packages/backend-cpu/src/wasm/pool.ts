import type { KernelRef } from "./runtime.ts";

/**
 * Worker threads that run generated kernels on the same shared WebAssembly.Memory as the main
 * thread. Each worker owns a control slot in the heap's reserved first page:
 *
 *   i32[0] job sequence (main increments it to post a job)   i32[1] last sequence done (worker)
 *   i32[2] job: kernel index, −1 load a module, −2 exit        i32[3] argument count
 *   i32[4] error flag                                         i32[5] ready flag
 *   f64[4 …] arguments
 *
 * A job is posted by writing the arguments, then an atomic increment of the sequence and a notify;
 * the worker spins briefly and then sleeps in Atomics.wait. Modules reach a worker as a
 * WebAssembly.Module on a MessagePort, which the worker reads synchronously (receiveMessageOnPort)
 * when its load job arrives. This needs Node's worker_threads; elsewhere the pool does not start.
 */

const SLOT_BYTES = 512;
const MAX_ARGS = 56;
/** Spin iterations before a worker sleeps (a few tens of microseconds). */
const SPIN = 20000;

const WORKER_SOURCE = `
"use strict";
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { memory, slot, port } = workerData;
const i32 = new Int32Array(memory.buffer, slot, ${SLOT_BYTES / 4});
const f64 = new Float64Array(memory.buffer, slot + 32, ${MAX_ARGS});
const kernels = [];
const instances = new Map();
let seen = Atomics.load(i32, 0);
Atomics.store(i32, 5, 1);
Atomics.notify(i32, 5);
for (;;) {
  let s = Atomics.load(i32, 0);
  for (let k = 0; s === seen && k < ${SPIN}; k++) s = Atomics.load(i32, 0);
  if (s === seen) {
    Atomics.wait(i32, 0, seen);
    continue;
  }
  seen = s;
  const job = i32[2];
  if (job === -2) break;
  try {
    if (job === -1) {
      let msg = receiveMessageOnPort(port);
      while (msg === undefined) msg = receiveMessageOnPort(port);
      const { index, key, name, module } = msg.message;
      let inst = instances.get(key);
      if (!inst) {
        inst = new WebAssembly.Instance(module, { env: { memory } });
        instances.set(key, inst);
      }
      kernels[index] = inst.exports[name];
    } else {
      const n = i32[3];
      const a = [];
      for (let i = 0; i < n; i++) a.push(f64[i]);
      kernels[job](...a);
    }
  } catch (e) {
    Atomics.store(i32, 4, 1);
  }
  Atomics.store(i32, 1, seen);
  Atomics.notify(i32, 1);
}
`;

interface WorkerLike {
  unref(): void;
  terminate(): Promise<number>;
}

interface PortLike {
  postMessage(value: unknown): void;
  close(): void;
}

interface WorkerThreadsModule {
  Worker: new (src: string, options: Record<string, unknown>) => WorkerLike;
  MessageChannel: new () => { port1: PortLike; port2: unknown };
}

/** Node's worker_threads, when this is Node ≥ 20.16 (process.getBuiltinModule loads it synchronously). */
function workerThreads(): WorkerThreadsModule | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    if (typeof proc?.getBuiltinModule === "function")
      return proc.getBuiltinModule("node:worker_threads") as WorkerThreadsModule;
  } catch {
    // not Node
  }
  return null;
}

interface Slot {
  readonly worker: WorkerLike;
  readonly port: PortLike;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** Kernel indices this worker has loaded. */
  readonly loaded: Set<number>;
}

/** The cores this process may use (os.availableParallelism in Node, hardwareConcurrency in a browser). */
export function hardwareThreads(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    if (typeof proc?.getBuiltinModule === "function") {
      const os = proc.getBuiltinModule("node:os") as {
        availableParallelism?: () => number;
        cpus: () => unknown[];
      };
      return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
    }
  } catch {
    // not Node
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** Why a pool could not start (for backend.info()). */
export function poolUnavailableReason(memory: WebAssembly.Memory): string | null {
  if (!(memory.buffer instanceof SharedArrayBuffer))
    return "shared WebAssembly memory is unavailable (a browser page needs cross-origin isolation: COOP/COEP headers)";
  if (!workerThreads()) return "the worker pool needs Node's worker_threads (Node 20.16 or later)";
  return null;
}

export class WorkerPool {
  readonly #memory: WebAssembly.Memory;
  readonly #slots: Slot[] = [];
  readonly #kernels: KernelRef[] = [];
  readonly #modules = new Map<string, WebAssembly.Module>();
  readonly #index = new Map<string, number>();

  /** `workers` helper threads on `memory`, with control slots from byte `base` of the reserved page. */
  constructor(
    memory: WebAssembly.Memory,
    workers: number,
    base: number,
    modules: Map<string, WebAssembly.Module>,
  ) {
    const wt = workerThreads();
    if (!wt) throw new Error("worker pool: worker_threads unavailable");
    this.#memory = memory;
    this.#modules = modules;
    for (let w = 0; w < workers; w++) {
      const slot = base + w * SLOT_BYTES;
      const i32 = new Int32Array(memory.buffer, slot, SLOT_BYTES / 4);
      i32.fill(0);
      const f64 = new Float64Array(memory.buffer, slot + 32, MAX_ARGS);
      const { port1, port2 } = new wt.MessageChannel();
      const worker = new wt.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { memory, slot, port: port2 },
        transferList: [port2],
      });
      worker.unref();
      this.#slots.push({ worker, port: port1, i32, f64, loaded: new Set() });
    }
  }

  /** Helper threads (the main thread is one more). */
  get workers(): number {
    return this.#slots.length;
  }

  /** Workers that have started (a job for one that has not runs on the main thread instead). */
  #ready(s: Slot): boolean {
    return Atomics.load(s.i32, 5) === 1;
  }

  /** Blocks until every worker has started, or `timeoutMs` passes; returns whether all are ready. */
  waitReady(timeoutMs = 5000): boolean {
    const end = performance.now() + timeoutMs;
    for (const s of this.#slots) {
      while (!this.#ready(s)) {
        const left = end - performance.now();
        if (left <= 0) return false;
        Atomics.wait(s.i32, 5, 0, left);
      }
    }
    return true;
  }

  #kernelIndex(k: KernelRef): number {
    const id = `${k.key}#${k.name}`;
    let i = this.#index.get(id);
    if (i === undefined) {
      i = this.#kernels.length;
      this.#kernels.push(k);
      this.#index.set(id, i);
    }
    return i;
  }

  #post(s: Slot, job: number, args: readonly number[]): number {
    if (args.length > MAX_ARGS) throw new Error("worker pool: too many arguments");
    for (let i = 0; i < args.length; i++) s.f64[i] = args[i];
    s.i32[2] = job;
    s.i32[3] = args.length;
    const seq = (Atomics.add(s.i32, 0, 1) + 1) | 0;
    Atomics.notify(s.i32, 0);
    return seq;
  }

  #wait(s: Slot, seq: number): void {
    let k = 0;
    while (Atomics.load(s.i32, 1) !== seq) {
      if (++k > 1000) Atomics.wait(s.i32, 1, Atomics.load(s.i32, 1), 50);
    }
    if (Atomics.load(s.i32, 4) !== 0) {
      Atomics.store(s.i32, 4, 0);
      throw new Error("worker pool: a kernel failed in a worker thread");
    }
  }

  #ensureLoaded(s: Slot, index: number): void {
    if (s.loaded.has(index)) return;
    const k = this.#kernels[index];
    const module = this.#modules.get(k.key);
    if (!module) throw new Error(`worker pool: no compiled module for ${k.key}`);
    s.port.postMessage({ index, key: k.key, name: k.name, module });
    this.#wait(s, this.#post(s, -1, []));
    s.loaded.add(index);
  }

  /**
   * Runs `kernel` once per argument list: the first on the calling thread, the others on ready
   * workers (or on the calling thread when there are too few), and returns when all are done.
   */
  run(kernel: KernelRef, jobs: readonly (readonly number[])[]): void {
    const index = this.#kernelIndex(kernel);
    const posted: [Slot, number][] = [];
    const local: (readonly number[])[] = [jobs[0]];
    let w = 0;
    for (let j = 1; j < jobs.length; j++) {
      while (w < this.#slots.length && !this.#ready(this.#slots[w])) w++;
      if (w >= this.#slots.length) {
        local.push(jobs[j]);
        continue;
      }
      const s = this.#slots[w++];
      this.#ensureLoaded(s, index);
      posted.push([s, this.#post(s, index, jobs[j])]);
    }
    let error: unknown = null;
    try {
      for (const args of local) kernel.fn(...args);
    } catch (e) {
      error = e;
    }
    for (const [s, seq] of posted) {
      try {
        this.#wait(s, seq);
      } catch (e) {
        error ??= e;
      }
    }
    if (error) throw error;
  }

  terminate(): void {
    for (const s of this.#slots) {
      if (this.#ready(s)) this.#post(s, -2, []);
      void s.worker.terminate();
      s.port.close();
    }
    this.#slots.length = 0;
  }

  get memory(): WebAssembly.Memory {
    return this.#memory;
  }
}
