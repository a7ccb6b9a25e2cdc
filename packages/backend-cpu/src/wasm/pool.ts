import type { KernelRef } from "./runtime.ts";
import { browserHost, crossOriginIsolated } from "./pool-browser.ts";
import { nodeHost } from "./pool-node.ts";
import {
  ARGS_OFFSET,
  ARG_COUNT,
  DONE,
  ERROR,
  EXIT,
  JOB,
  JOBS_RUN,
  LOAD,
  MAX_ARGS,
  type PoolThread,
  READY,
  SEQ,
  SLOT_BYTES,
  type ThreadHost,
} from "./pool-slot.ts";

/**
 * Helper threads that run generated kernels on the same shared WebAssembly.Memory as the main
 * thread, each driven through a control slot in the heap's reserved first page (see pool-slot.ts).
 * A job is posted by writing the arguments, then an atomic increment of the sequence and a notify;
 * the caller runs its own share and then waits for the workers' "done" sequence. Modules reach a
 * worker as WebAssembly.Modules in messages, taken by a load job before the first job of a kernel.
 *
 * The threads are Node's worker_threads (pool-node.ts) or, in a cross-origin isolated browser page,
 * Web Workers (pool-browser.ts). Workers start asynchronously (in a browser, only once the page
 * returns to its event loop); a job for one that has not started runs on the calling thread, so
 * results never depend on how many workers are up.
 */

/** Spins of the calling thread before it sleeps in Atomics.wait (a browser page, which may not, only spins). */
const SPIN_BEFORE_SLEEP = 1000;

/** Why a browser page gets one thread, naming the headers that fix it. */
export const ISOLATION_NOTE =
  "shared WebAssembly memory needs a cross-origin isolated page: serve it with the headers " +
  "Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp";

let host: ThreadHost | null | undefined;

/** Node's worker_threads, else Web Workers, else none. */
function threadHost(): ThreadHost | null {
  if (host === undefined) host = nodeHost() ?? browserHost();
  return host;
}

/** Works where the SharedArrayBuffer global is hidden (a browser page that is not isolated). */
function isShared(memory: WebAssembly.Memory): boolean {
  return Object.prototype.toString.call(memory.buffer) === "[object SharedArrayBuffer]";
}

/** Whether this thread may call Atomics.wait (not a browser page's main thread). */
function mayBlock(i32: Int32Array): boolean {
  try {
    // a value that is not there: returns "not-equal" at once where waiting is allowed
    Atomics.wait(i32, SEQ, Atomics.load(i32, SEQ) + 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Atomics.waitAsync (ES2024; in every current engine, typed here for older lib settings). */
interface AsyncAtomics {
  waitAsync?: (
    i32: Int32Array,
    index: number,
    value: number,
    timeoutMs: number,
  ) => { async: boolean; value: unknown };
}

/** Pools by the memory they serve (for diagnostics and tests: see poolOn). */
const POOLS = new WeakMap<WebAssembly.Memory, WorkerPool>();

/** The running pool whose workers share `memory`, if any. */
export function poolOn(memory: WebAssembly.Memory): WorkerPool | null {
  return POOLS.get(memory) ?? null;
}

interface Slot {
  readonly thread: PoolThread;
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

/** Why a pool could not start (for backend.info()), or null when it can. */
export function poolUnavailableReason(memory: WebAssembly.Memory): string | null {
  if (crossOriginIsolated() === false) return ISOLATION_NOTE;
  if (!isShared(memory)) return "shared WebAssembly memory is unavailable in this JavaScript engine";
  if (!threadHost())
    return "the worker pool needs Node's worker_threads (Node 20.16 or later) or Web Workers";
  return null;
}

export class WorkerPool {
  readonly #memory: WebAssembly.Memory;
  readonly #slots: Slot[] = [];
  readonly #kernels: KernelRef[] = [];
  readonly #modules = new Map<string, WebAssembly.Module>();
  readonly #index = new Map<string, number>();
  /** Whether this thread may sleep in Atomics.wait (else it spins). */
  readonly #mayBlock: boolean;
  /** Whether waiting for the workers to start may block (else it must yield: see ready()). */
  readonly #blockForStart: boolean;

  /** `workers` helper threads on `memory`, with control slots from byte `base` of the reserved page. */
  constructor(
    memory: WebAssembly.Memory,
    workers: number,
    base: number,
    modules: Map<string, WebAssembly.Module>,
  ) {
    const reason = poolUnavailableReason(memory);
    const threads = threadHost();
    if (reason !== null || threads === null) throw new Error(`worker pool: cannot start: ${reason}`);
    this.#memory = memory;
    this.#modules = modules;
    this.#mayBlock = mayBlock(new Int32Array(memory.buffer, base, 1));
    this.#blockForStart = this.#mayBlock && threads.startsWhileBlocked;
    for (let w = 0; w < workers; w++) {
      const slot = base + w * SLOT_BYTES;
      const i32 = new Int32Array(memory.buffer, slot, SLOT_BYTES / 4);
      i32.fill(0);
      const f64 = new Float64Array(memory.buffer, slot + ARGS_OFFSET, MAX_ARGS);
      this.#slots.push({ thread: threads.spawn(memory, slot), i32, f64, loaded: new Set() });
    }
    POOLS.set(memory, this);
  }

  /** Helper threads (the main thread is one more). */
  get workers(): number {
    return this.#slots.length;
  }

  /** Workers that have started so far. */
  get readyWorkers(): number {
    return this.#slots.filter((s) => this.#ready(s)).length;
  }

  /** Kernel jobs run by the workers so far (the calling thread's share not counted): for diagnostics. */
  get workerJobs(): number {
    return this.#slots.reduce((n, s) => n + Atomics.load(s.i32, JOBS_RUN), 0);
  }

  /** Workers that have started (a job for one that has not runs on the main thread instead). */
  #ready(s: Slot): boolean {
    return Atomics.load(s.i32, READY) === 1;
  }

  /**
   * Blocks until every worker has started, or `timeoutMs` passes; returns whether all are ready.
   * Web Workers start only once their creator yields (and a page may not block): with them this
   * only reports, and `ready()` is the way to wait.
   */
  waitReady(timeoutMs = 5000): boolean {
    if (!this.#blockForStart) return this.readyWorkers === this.workers;
    const end = performance.now() + timeoutMs;
    for (const s of this.#slots) {
      while (!this.#ready(s)) {
        const left = end - performance.now();
        if (left <= 0) return false;
        Atomics.wait(s.i32, READY, 0, left);
      }
    }
    return true;
  }

  /** Resolves when every worker has started (true), or after `timeoutMs` (false), yielding meanwhile. */
  async ready(timeoutMs = 5000): Promise<boolean> {
    if (this.#blockForStart) return this.waitReady(timeoutMs);
    const end = performance.now() + timeoutMs;
    for (const s of this.#slots) {
      while (!this.#ready(s)) {
        const left = end - performance.now();
        if (left <= 0) return false;
        const wait = (Atomics as AsyncAtomics).waitAsync?.(s.i32, READY, 0, left);
        if (wait?.async) await wait.value;
        else if (!wait) await new Promise((resolve) => setTimeout(resolve, Math.min(left, 4)));
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
    if (args.length > MAX_ARGS)
      throw new Error(`worker pool: a job takes at most ${MAX_ARGS} arguments, got ${args.length}`);
    for (let i = 0; i < args.length; i++) s.f64[i] = args[i];
    s.i32[JOB] = job;
    s.i32[ARG_COUNT] = args.length;
    const seq = (Atomics.add(s.i32, SEQ, 1) + 1) | 0;
    Atomics.notify(s.i32, SEQ);
    return seq;
  }

  #wait(s: Slot, seq: number): void {
    let k = 0;
    while (Atomics.load(s.i32, DONE) !== seq) {
      if (this.#mayBlock && ++k > SPIN_BEFORE_SLEEP) Atomics.wait(s.i32, DONE, Atomics.load(s.i32, DONE), 50);
    }
    if (Atomics.load(s.i32, ERROR) !== 0) {
      Atomics.store(s.i32, ERROR, 0);
      throw new Error("worker pool: a kernel failed in a worker thread");
    }
  }

  #ensureLoaded(s: Slot, index: number): void {
    if (s.loaded.has(index)) return;
    const k = this.#kernels[index];
    const module = this.#modules.get(k.key);
    if (!module) throw new Error(`worker pool: no compiled module for ${k.key}`);
    s.thread.sendModule({ index, key: k.key, name: k.name, module });
    this.#wait(s, this.#post(s, LOAD, [index]));
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
      if (this.#ready(s)) this.#post(s, EXIT, []);
      s.thread.terminate();
    }
    this.#slots.length = 0;
    if (POOLS.get(this.#memory) === this) POOLS.delete(this.#memory);
  }

  get memory(): WebAssembly.Memory {
    return this.#memory;
  }
}
