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
  type ModuleMessage,
  type PoolThread,
  READY,
  SEQ,
  SLOT_BYTES,
  SPIN,
  type ThreadHost,
} from "./pool-slot.ts";

/**
 * A pool thread on Node's worker_threads. The worker spins briefly after a job and then sleeps in
 * Atomics.wait; modules arrive on a MessagePort that it reads synchronously (receiveMessageOnPort)
 * when their load job comes.
 */
const WORKER_SOURCE = `
"use strict";
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { memory, slot, port } = workerData;
const i32 = new Int32Array(memory.buffer, slot, ${SLOT_BYTES / 4});
const f64 = new Float64Array(memory.buffer, slot + ${ARGS_OFFSET}, ${MAX_ARGS});
const kernels = [];
const instances = new Map();
let seen = Atomics.load(i32, ${SEQ});
Atomics.store(i32, ${READY}, 1);
Atomics.notify(i32, ${READY});
for (;;) {
  let s = Atomics.load(i32, ${SEQ});
  for (let k = 0; s === seen && k < ${SPIN}; k++) s = Atomics.load(i32, ${SEQ});
  if (s === seen) {
    Atomics.wait(i32, ${SEQ}, seen);
    continue;
  }
  seen = s;
  const job = i32[${JOB}];
  if (job === ${EXIT}) break;
  try {
    if (job === ${LOAD}) {
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
      const n = i32[${ARG_COUNT}];
      const a = [];
      for (let i = 0; i < n; i++) a.push(f64[i]);
      kernels[job](...a);
      Atomics.add(i32, ${JOBS_RUN}, 1);
    }
  } catch (e) {
    Atomics.store(i32, ${ERROR}, 1);
  }
  Atomics.store(i32, ${DONE}, seen);
  Atomics.notify(i32, ${DONE});
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

/** Threads from Node's worker_threads, or null outside Node. */
export function nodeHost(): ThreadHost | null {
  const wt = workerThreads();
  if (!wt) return null;
  return {
    name: "worker_threads",
    startsWhileBlocked: true,
    spawn(memory: WebAssembly.Memory, slot: number): PoolThread {
      const { port1, port2 } = new wt.MessageChannel();
      const worker = new wt.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { memory, slot, port: port2 },
        transferList: [port2],
      });
      // an idle pool must not keep the process alive
      worker.unref();
      return {
        sendModule: (message: ModuleMessage) => port1.postMessage(message),
        terminate() {
          void worker.terminate();
          port1.close();
        },
      };
    },
  };
}
