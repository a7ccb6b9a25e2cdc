/**
 * The control slot that the worker pool and one of its workers share in the heap's reserved first
 * page, and what a pool needs from the threads of its host (Node's worker_threads or Web Workers).
 *
 *   i32[0] job sequence (main increments it to post a job)   i32[1] last sequence done (worker)
 *   i32[2] job: kernel index, −1 load a module, −2 exit        i32[3] argument count
 *   i32[4] error flag                                         i32[5] ready flag
 *   i32[6] kernel jobs this worker has run                    f64[4 …] arguments
 */

export const SLOT_BYTES = 512;
export const MAX_ARGS = 56;
/** Spin iterations before a worker sleeps (a few tens of microseconds). */
export const SPIN = 20000;

/** Indices into a slot's Int32Array. */
export const SEQ = 0;
export const DONE = 1;
export const JOB = 2;
export const ARG_COUNT = 3;
export const ERROR = 4;
export const READY = 5;
export const JOBS_RUN = 6;
/** Byte offset of the f64 arguments in a slot. */
export const ARGS_OFFSET = 32;

/** Job codes other than a kernel index. */
export const LOAD = -1;
export const EXIT = -2;

/** A compiled module sent to a worker: the export `name` of module `key` becomes its kernel `index`. */
export interface ModuleMessage {
  readonly index: number;
  readonly key: string;
  readonly name: string;
  readonly module: WebAssembly.Module;
}

/** One helper thread as the pool drives it. */
export interface PoolThread {
  /** Hands the worker a module; its load job (argument: the index) waits until it has arrived. */
  sendModule(message: ModuleMessage): void;
  terminate(): void;
}

/** How a host starts threads that serve the slot at byte `slot` of `memory`. */
export interface ThreadHost {
  readonly name: string;
  /** Whether a thread starts while its creator blocks (Node); a Web Worker needs its creator to yield. */
  readonly startsWhileBlocked: boolean;
  spawn(memory: WebAssembly.Memory, slot: number): PoolThread;
}
