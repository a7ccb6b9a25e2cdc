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
 * A pool thread on a Web Worker (classic, from a Blob URL). The worker gets the memory and its slot
 * in its first message. A Web Worker cannot read a message synchronously, so modules arrive through
 * onmessage: while idle the worker keeps its event loop free (Atomics.waitAsync, else a timer tick)
 * and a load job awaits its module's message.
 */
const WORKER_SOURCE = `
"use strict";
const kernels = [];
const instances = new Map();
const arrivals = new Map();
let memory = null;
let i32 = null;
let f64 = null;
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
function load(d) {
  try {
    let inst = instances.get(d.key);
    if (!inst) {
      inst = new WebAssembly.Instance(d.module, { env: { memory } });
      instances.set(d.key, inst);
    }
    kernels[d.index] = inst.exports[d.name];
  } catch (e) {
    kernels[d.index] = null;
  }
  arrivals.get(d.index)?.();
  arrivals.delete(d.index);
}
function arrived(index) {
  if (kernels[index] !== undefined) return;
  return new Promise((resolve) => arrivals.set(index, resolve));
}
async function idle(seen) {
  if (typeof Atomics.waitAsync === "function") {
    const r = Atomics.waitAsync(i32, ${SEQ}, seen);
    if (r.async) await r.value;
  } else await tick();
}
async function serve() {
  let seen = Atomics.load(i32, ${SEQ});
  Atomics.store(i32, ${READY}, 1);
  Atomics.notify(i32, ${READY});
  for (;;) {
    let s = Atomics.load(i32, ${SEQ});
    for (let k = 0; s === seen && k < ${SPIN}; k++) s = Atomics.load(i32, ${SEQ});
    if (s === seen) {
      await idle(seen);
      continue;
    }
    seen = s;
    const job = i32[${JOB}];
    if (job === ${EXIT}) break;
    try {
      if (job === ${LOAD}) {
        const index = f64[0];
        await arrived(index);
        if (kernels[index] === null) throw new Error("module failed to instantiate");
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
  close();
}
onmessage = (e) => {
  const d = e.data;
  if (d.memory !== undefined) {
    memory = d.memory;
    i32 = new Int32Array(memory.buffer, d.slot, ${SLOT_BYTES / 4});
    f64 = new Float64Array(memory.buffer, d.slot + ${ARGS_OFFSET}, ${MAX_ARGS});
    void serve();
  } else load(d);
};
`;

interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
}

interface BrowserGlobals {
  Worker?: new (url: string, options?: { name?: string }) => WebWorker;
  Blob?: new (parts: string[], options?: { type?: string }) => unknown;
  URL?: { createObjectURL?: (blob: unknown) => string };
  crossOriginIsolated?: boolean;
}

const web = globalThis as BrowserGlobals;

/** One Blob URL for the worker source, made on first use and kept for the page's lifetime. */
let sourceUrl: string | null = null;

/** Whether this page (or worker) is cross-origin isolated; undefined outside a browser. */
export function crossOriginIsolated(): boolean | undefined {
  return web.crossOriginIsolated;
}

/** Web Workers from a Blob URL, or null where there are none. */
export function browserHost(): ThreadHost | null {
  const { Worker, Blob, URL } = web;
  if (
    typeof Worker !== "function" ||
    typeof Blob !== "function" ||
    typeof URL?.createObjectURL !== "function"
  )
    return null;
  const createUrl = URL.createObjectURL.bind(URL);
  return {
    name: "Web Workers",
    startsWhileBlocked: false,
    spawn(memory: WebAssembly.Memory, slot: number): PoolThread {
      sourceUrl ??= createUrl(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
      let worker: WebWorker;
      try {
        worker = new Worker(sourceUrl, { name: `axon-cpu-pool@${slot}` });
        worker.postMessage({ memory, slot });
      } catch {
        // e.g. a Content-Security-Policy without blob: workers: this one never starts, so its
        // share of every job runs on the calling thread
        return { sendModule: () => {}, terminate: () => {} };
      }
      return {
        sendModule: (message: ModuleMessage) => worker.postMessage(message),
        terminate: () => worker.terminate(),
      };
    },
  };
}
