import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { AxonError, ValueError } from "@axon/core";
import type { Config } from "./spaces.ts";
import type { Objective, ObjectiveFunction, ObjectiveModule, TrialContext } from "./types.ts";

/**
 * Where the objectives run: in the search's own thread, or on a pool of worker threads that each
 * load the objective's module once and then run one trial at a time.
 */

/** The objective's module could not be loaded, or does not export a function: the search cannot run. */
export class ObjectiveLoadError extends AxonError {}

/** What one evaluation needs, apart from the abort signal. */
export type Task = { config: Config; context: Omit<TrialContext, "signal"> };

export interface Executor {
  /** The objective's raw result; rejects with the objective's error. */
  run(task: Task, signal: AbortSignal): Promise<unknown>;
  close(): Promise<void>;
}

export function isObjectiveModule(o: unknown): o is ObjectiveModule {
  return o !== null && typeof o === "object" && "module" in o;
}

/** The file URL of an objective module, checked. */
export function moduleUrl(who: string, ref: ObjectiveModule): string {
  const m = ref.module;
  if (m instanceof URL) return m.href;
  if (typeof m === "string" && /^[a-z][a-z0-9+.-]*:/i.test(m) && !/^[a-z]:[\\/]/i.test(m)) return m;
  if (typeof m === "string" && isAbsolute(m)) return pathToFileURL(m).href;
  throw new ValueError(
    `${who}: objective.module must be a file URL (new URL("./objective.ts", import.meta.url).href) or an absolute path, got ${JSON.stringify(m)}`,
  );
}

const TS_MODULE = /\.(ts|mts|cts|tsx)$/i;

/** The URL of tsx's ESM registration API (`tsx/esm/api`), which a worker calls before loading a `.ts` module. */
function tsxRegisterUrl(): string | undefined {
  try {
    const url = import.meta.resolve?.("tsx/esm/api");
    if (url) return url;
  } catch {
    // fall through: look the export up in tsx's package.json
  }
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve("tsx/package.json");
    const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
    const target = pkg.exports?.["./esm/api"]?.import?.default ?? pkg.exports?.["./esm/api"]?.import;
    if (typeof target === "string") {
      const file = join(dirname(pkgPath), target);
      if (existsSync(file)) return pathToFileURL(file).href;
    }
  } catch {
    // tsx is not installed
  }
  return undefined;
}

/** An error carrying the text of the objective's error (from a worker thread), as the log records it. */
export class TrialError extends Error {}

function errorText(e: unknown): string {
  if (e instanceof TrialError) return e.message;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  if (e !== null && typeof e === "object" && "message" in e)
    return `${(e as { name?: string }).name ?? "Error"}: ${(e as { message: string }).message}`;
  return String(e);
}

async function importObjective(who: string, url: string, name: string): Promise<ObjectiveFunction> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(url);
  } catch (e) {
    throw new ObjectiveLoadError(`${who}: cannot load the objective module ${url}: ${errorText(e)}`);
  }
  const f = mod[name];
  if (typeof f !== "function")
    throw new ObjectiveLoadError(
      `${who}: the objective module ${url} must export a function "${name}", got ${typeof f}`,
    );
  return f as ObjectiveFunction;
}

/** Runs the objective in this thread, one trial at a time. */
export class InlineExecutor implements Executor {
  private fn: Promise<ObjectiveFunction>;

  constructor(who: string, objective: Objective<any>) {
    if (typeof objective === "function") this.fn = Promise.resolve(objective as ObjectiveFunction);
    else {
      const url = moduleUrl(who, objective);
      this.fn = importObjective(who, url, objective.export ?? "objective");
    }
    this.fn.catch(() => {}); // reported by run()
  }

  async run(task: Task, signal: AbortSignal): Promise<unknown> {
    const fn = await this.fn;
    return fn(task.config, { ...task.context, signal });
  }

  async close(): Promise<void> {}
}

/**
 * The worker's program (CommonJS, run with `eval`): it registers tsx if asked, imports the
 * objective's module, says "ready", then runs each task it is sent and posts back its result.
 */
const WORKER_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const errorOf = (e) =>
  e instanceof Error ? { name: e.name, message: e.message } : { name: "Error", message: String(e) };
const controllers = new Map();
let objective;
(async () => {
  try {
    if (workerData.tsx) (await import(workerData.tsx)).register();
    const mod = await import(workerData.url);
    objective = mod[workerData.exportName];
    if (typeof objective !== "function")
      throw new TypeError("the module must export a function \\"" + workerData.exportName + "\\", got " + typeof objective);
    parentPort.postMessage({ type: "ready" });
  } catch (e) {
    parentPort.postMessage({ type: "loadError", error: errorOf(e) });
  }
})();
parentPort.on("message", async (msg) => {
  if (msg.type === "abort") {
    controllers.get(msg.id)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(msg.id, controller);
  try {
    const result = await objective(msg.config, { ...msg.context, signal: controller.signal });
    parentPort.postMessage({ type: "done", id: msg.id, result });
  } catch (e) {
    parentPort.postMessage({ type: "failed", id: msg.id, error: errorOf(e) });
  } finally {
    controllers.delete(msg.id);
  }
});
`;

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void; cleanup: () => void };

/** One worker thread with the objective loaded. */
class PoolWorker {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  pending: { id: number; p: Pending } | undefined;
  dead = false;

  constructor(who: string, url: string, exportName: string, tsx: string | undefined) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { url, exportName, tsx } });
    this.ready = new Promise((resolve, reject) => {
      const fail = (e: unknown) => {
        this.dead = true;
        reject(
          new ObjectiveLoadError(`${who}: cannot load the objective module ${url} in a worker thread: ${e}`),
        );
      };
      this.worker.on("message", (msg) => {
        if (msg.type === "ready") resolve();
        else if (msg.type === "loadError") fail(errorText(msg.error));
        else if (this.pending && msg.id === this.pending.id) {
          const { p } = this.pending;
          this.pending = undefined;
          p.cleanup();
          if (msg.type === "done") p.resolve(msg.result);
          else p.reject(new TrialError(errorText(msg.error)));
        }
      });
      const died = (why: string) => {
        const wasDead = this.dead;
        this.dead = true;
        if (this.pending) {
          const { p } = this.pending;
          this.pending = undefined;
          p.cleanup();
          p.reject(new TrialError(`the worker thread died during the trial: ${why}`));
        } else if (!wasDead) fail(why);
      };
      this.worker.on("error", (e) => died(errorText(e)));
      this.worker.on("exit", (code) => died(`it exited with code ${code}`));
    });
    this.ready.catch(() => {});
  }
}

/** `size` worker threads, started when first needed; a worker that dies is replaced. */
export class WorkerPool implements Executor {
  private readonly idle: PoolWorker[] = [];
  private readonly all = new Set<PoolWorker>();
  private readonly waiting: { resolve: (w: PoolWorker) => void; reject: (e: unknown) => void }[] = [];
  private started = 0;
  private nextId = 0;
  private readonly url: string;
  private readonly exportName: string;
  private readonly tsx: string | undefined;
  private readonly hint: string;
  private closed = false;

  constructor(
    private readonly who: string,
    ref: ObjectiveModule,
    private readonly size: number,
  ) {
    this.url = moduleUrl(who, ref);
    this.exportName = ref.export ?? "objective";
    const path = new URL(this.url).pathname;
    this.tsx = TS_MODULE.test(path) ? tsxRegisterUrl() : undefined;
    // Without tsx the worker still tries (a Node that strips types itself can load it); if it
    // cannot, the load error says what to install.
    this.hint =
      TS_MODULE.test(path) && !this.tsx
        ? " (worker threads load TypeScript modules with tsx, which was not found: install tsx, or give a .js module)"
        : "";
  }

  private discard(w: PoolWorker): void {
    if (this.all.delete(w)) this.started--;
    void w.worker.terminate();
  }

  private async acquire(): Promise<PoolWorker> {
    for (let w = this.idle.pop(); w; w = this.idle.pop()) {
      if (!w.dead) return w;
      this.discard(w);
    }
    if (this.started < this.size) {
      this.started++;
      const fresh = new PoolWorker(this.who, this.url, this.exportName, this.tsx);
      this.all.add(fresh);
      try {
        await fresh.ready;
      } catch (e) {
        this.discard(fresh);
        throw e instanceof ObjectiveLoadError && this.hint
          ? new ObjectiveLoadError(e.message + this.hint)
          : e;
      }
      return fresh;
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(w: PoolWorker): void {
    if (w.dead || this.closed) {
      this.discard(w);
      // someone waiting gets a fresh worker
      const next = this.waiting.shift();
      if (next && !this.closed) this.acquire().then(next.resolve, next.reject);
      return;
    }
    const next = this.waiting.shift();
    if (next) next.resolve(w);
    else this.idle.push(w);
  }

  async run(task: Task, signal: AbortSignal): Promise<unknown> {
    const w = await this.acquire();
    const id = this.nextId++;
    try {
      return await new Promise((resolve, reject) => {
        const onAbort = () => w.worker.postMessage({ type: "abort", id });
        signal.addEventListener("abort", onAbort, { once: true });
        const cleanup = () => signal.removeEventListener("abort", onAbort);
        w.pending = { id, p: { resolve, reject, cleanup } };
        try {
          w.worker.postMessage({ type: "run", id, config: task.config, context: task.context });
        } catch (e) {
          w.pending = undefined;
          cleanup();
          reject(new TrialError(`cannot send the trial to a worker thread: ${errorText(e)}`));
        }
        if (signal.aborted) onAbort();
      });
    } finally {
      this.release(w);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    for (const w of this.waiting.splice(0)) w.reject(new Error("the worker pool is closed"));
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}

/** The executor for a search: in this thread for `concurrency` 1, else a worker pool. */
export function makeExecutor(who: string, objective: Objective<any>, concurrency: number): Executor {
  if (concurrency === 1) return new InlineExecutor(who, objective);
  if (!isObjectiveModule(objective))
    throw new ValueError(
      `${who}: with concurrency ${concurrency} trials run on worker threads, so the objective must be a module export ({ module: new URL("./objective.ts", import.meta.url).href, export: "objective" }) — a function cannot be sent to a thread; got a ${typeof objective}`,
    );
  return new WorkerPool(who, objective, concurrency);
}

export { errorText };
