/**
 * Checkpoints (Node only: `import { save, load } from "@axon/nn/checkpoint"`). A checkpoint file
 * holds a model's parameters and buffers, an optimizer's state, the epoch and step, the global
 * random stream's state, and optionally a standardizer's state, the training history and any
 * JSON the caller adds. It is written atomically and verified completely before anything is loaded.
 *
 * Layout (little-endian):
 *
 *   0   8 bytes  magic "AXONCKPT"
 *   8   u32      format version (1)
 *   12  u32      header length H
 *   16  u64      payload length P
 *   24  32 bytes SHA-256 of every other byte of the file (0–24 and 56–end)
 *   56  H bytes  header: UTF-8 JSON (what is in the file, and where each tensor's bytes are)
 *   56+H P bytes payload: the tensors' raw values, each at an offset that is a multiple of 8
 */
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { endianness } from "node:os";
import { basename, dirname, join } from "node:path";
import {
  AxonError,
  type DType,
  Tensor,
  type TypedArray,
  dispose,
  fmtShape,
  getRandomState,
  makeTensor,
  setRandomState,
  sizeOf,
} from "@axon/core";
import type { Module } from "../module.ts";
import type { Callback, TrainingContext } from "./callbacks.ts";
import { History, type HistoryState } from "./history.ts";
import { type TrainingReportOptions, trainingReport } from "./report.ts";

/** A checkpoint that cannot be read or does not fit: nothing was loaded. */
export class CheckpointError extends AxonError {}

export const CHECKPOINT_MAGIC = "AXONCKPT";
export const CHECKPOINT_VERSION = 1;
const PREAMBLE = 56;
const FORMAT = "axon.checkpoint";

/** What an optimizer must have to be saved and restored (every `@axon/optim` optimizer has it). */
export interface StatefulOptimizer {
  readonly name?: string;
  readonly stepCount?: number;
  stateDict(): OptimizerState;
  loadStateDict(state: OptimizerState): void;
}

/** The shape of `@axon/optim`'s `OptimizerStateDict` as far as a checkpoint needs it. */
export interface OptimizerState {
  readonly type: string;
  readonly step: number;
  readonly hyper: Record<string, unknown>;
  readonly groups: readonly unknown[];
  readonly slots: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Anything with `toJSON()` (a `Standardizer` from `@axon/data`) or its plain state. */
export type JsonState = { toJSON(): unknown } | Record<string, unknown>;

export interface SaveExtra {
  /** Epochs completed: the `initialEpoch` a resumed `fit` starts from. */
  epoch?: number;
  /** Optimizer steps taken (default: the optimizer's `stepCount`). */
  step?: number;
  /** A fitted standardizer (or its `toJSON()`), given back by `load` as `standardizer`. */
  standardizer?: JsonState;
  /** The training history so far, given back by `load` as a `History`. */
  history?: History;
  /** Any JSON-serializable data of yours, given back as `metadata`. */
  metadata?: Record<string, unknown>;
  /** Save the global random stream's state (default true). */
  randomState?: boolean;
}

interface TensorEntry {
  readonly key: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly byteLength: number;
}

interface Header {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly created: string;
  readonly epoch: number;
  readonly step: number;
  readonly model: { readonly parameters: string[]; readonly buffers: string[] };
  /** The optimizer's state with each slot tensor replaced by `{ tensor: key }`. */
  readonly optimizer: unknown;
  readonly random: { key: [number, number]; draws: number } | null;
  readonly standardizer: unknown;
  readonly history: HistoryState | null;
  readonly metadata: Record<string, unknown> | null;
  readonly tensors: TensorEntry[];
}

const SLOT_METADATA = new Set(["name", "step", "shape"]);

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

function checkHostEndianness(op: string): void {
  if (endianness() !== "LE")
    throw new CheckpointError(`${op}: checkpoints are little-endian; this machine is big-endian`);
}

function toJsonState(v: JsonState | undefined, what: string): unknown {
  if (v === undefined || v === null) return null;
  const state =
    typeof (v as { toJSON?: unknown }).toJSON === "function" ? (v as { toJSON(): unknown }).toJSON() : v;
  try {
    return JSON.parse(JSON.stringify(state));
  } catch (e) {
    throw new CheckpointError(`save: ${what} is not JSON-serializable: ${(e as Error).message}`);
  }
}

/** The bytes of a checkpoint (what `save` writes). */
export function encodeCheckpoint(
  model: Module,
  optimizer: StatefulOptimizer | null,
  extra: SaveExtra = {},
): Uint8Array {
  const op = "save";
  checkHostEndianness(op);
  const tensors: { entry: TensorEntry; bytes: Uint8Array }[] = [];
  let payload = 0;
  const add = (key: string, t: Tensor): { tensor: string } => {
    const values = t.dataSync() as TypedArray;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const entry: TensorEntry = {
      key,
      dtype: t.dtype,
      shape: [...t.shape],
      offset: payload,
      byteLength: bytes.length,
    };
    tensors.push({ entry, bytes });
    payload += Math.ceil(bytes.length / 8) * 8;
    return { tensor: key };
  };

  const state = model.stateDict();
  const parameters = model.namedParameters().map(([n]) => n);
  const paramSet = new Set(parameters);
  try {
    for (const [k, t] of Object.entries(state)) add(`model/${k}`, t);
  } finally {
    dispose(Object.values(state));
  }

  let optimizerState: unknown = null;
  if (optimizer) {
    if (typeof optimizer.stateDict !== "function")
      throw new CheckpointError(
        `${op}: the optimizer has no stateDict(); pass an @axon/optim optimizer or null`,
      );
    const s = optimizer.stateDict();
    try {
      const slots: Record<string, Record<string, unknown>> = {};
      for (const [index, slot] of Object.entries(s.slots)) {
        const out: Record<string, unknown> = {};
        for (const [name, v] of Object.entries(slot)) {
          // name, step and shape describe the slot; every other entry is one of its state tensors.
          if (SLOT_METADATA.has(name)) out[name] = v;
          else if (v instanceof Tensor) out[name] = add(`optimizer/${index}/${name}`, v);
          else if (Array.isArray(v) || ArrayBuffer.isView(v)) {
            // State loaded but not yet used (a parameter the optimizer has not stepped): plain values.
            const values = Float64Array.from(v as ArrayLike<number>);
            const t = makeTensor(values, [values.length], "float64");
            try {
              out[name] = { ...add(`optimizer/${index}/${name}`, t), plain: true };
            } finally {
              t.dispose();
            }
          } else out[name] = v;
        }
        slots[index] = out;
      }
      optimizerState = { type: s.type, step: s.step, hyper: s.hyper, groups: s.groups, slots };
    } finally {
      dispose(s);
    }
  }

  const header: Header = {
    format: FORMAT,
    version: CHECKPOINT_VERSION,
    created: new Date().toISOString(),
    epoch: extra.epoch ?? 0,
    step: extra.step ?? optimizer?.stepCount ?? 0,
    model: {
      parameters,
      buffers: Object.keys(state).filter((k) => !paramSet.has(k)),
    },
    optimizer: optimizerState,
    random:
      extra.randomState === false
        ? null
        : (() => {
            const r = getRandomState();
            return { key: [r.key[0], r.key[1]], draws: r.draws };
          })(),
    standardizer: toJsonState(extra.standardizer, "the standardizer"),
    history: extra.history ? extra.history.toJSON() : null,
    metadata: (toJsonState(extra.metadata, "metadata") as Record<string, unknown> | null) ?? null,
    tensors: tensors.map((t) => t.entry),
  };
  if (!Number.isInteger(header.epoch) || header.epoch < 0)
    throw new CheckpointError(`${op}: epoch must be a non-negative integer, got ${String(extra.epoch)}`);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const file = new Uint8Array(PREAMBLE + json.length + payload);
  const view = new DataView(file.buffer);
  file.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, json.length, true);
  view.setBigUint64(16, BigInt(payload), true);
  file.set(json, PREAMBLE);
  for (const { entry, bytes } of tensors) file.set(bytes, PREAMBLE + json.length + entry.offset);
  file.set(digest(file), 24);
  return file;
}

function digest(file: Uint8Array): Uint8Array {
  const h = createHash("sha256");
  h.update(file.subarray(0, 24));
  h.update(file.subarray(PREAMBLE));
  return new Uint8Array(h.digest());
}

/** Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename. */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  let fd = -1;
  try {
    fd = openSync(tmp, "wx", 0o644);
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  // Make the rename itself durable (not possible on every platform; the file is complete either way).
  try {
    const dfd = openSync(dir, "r");
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Directories cannot be opened for fsync on some systems (Windows).
  }
}

/**
 * Saves `model` (parameters and buffers such as batch-norm statistics), `optimizer` (its full
 * state; null to leave it out), the random stream's state and `extra` to `path`, atomically: a
 * crash leaves either the old file or the new one, never a mix.
 */
export function save(
  model: Module,
  optimizer: StatefulOptimizer | null,
  path: string,
  extra: SaveExtra = {},
): void {
  writeFileAtomic(path, encodeCheckpoint(model, optimizer, extra));
}

/** A checkpoint read and verified (magic, version, lengths, checksum, header), not yet applied. */
export interface CheckpointContents {
  readonly version: number;
  readonly created: string;
  readonly epoch: number;
  readonly step: number;
  readonly parameters: readonly string[];
  readonly buffers: readonly string[];
  /** Every tensor's dtype and shape, by key ("model/0.kernel", "optimizer/0/m"). */
  readonly tensors: ReadonlyMap<string, { dtype: DType; shape: readonly number[] }>;
  /** The optimizer's state as saved, each slot tensor a `{ tensor: key }` reference; null when saved without one. */
  readonly optimizer: OptimizerState | null;
  readonly random: { key: [number, number]; draws: number } | null;
  readonly standardizer: unknown;
  readonly history: History | null;
  readonly metadata: Record<string, unknown> | null;
  /** The values of one tensor, as a new typed array. */
  values(key: string): TypedArray;
}

/** Reads and verifies a checkpoint's bytes; `source` names it in errors. */
export function decodeCheckpoint(bytes: Uint8Array, source = "checkpoint"): CheckpointContents {
  checkHostEndianness("load");
  const fail = (why: string): never => {
    throw new CheckpointError(`load: ${source} ${why}`);
  };
  if (bytes.length < PREAMBLE)
    fail(`is not an Axon checkpoint: ${bytes.length} bytes, shorter than the ${PREAMBLE}-byte preamble`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== CHECKPOINT_MAGIC)
    fail(`is not an Axon checkpoint: it starts with ${JSON.stringify(magic)}, not "${CHECKPOINT_MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION)
    fail(`has format version ${version}; this reader knows version ${CHECKPOINT_VERSION}`);
  const headerLength = view.getUint32(12, true);
  const payloadLength = Number(view.getBigUint64(16, true));
  const expected = PREAMBLE + headerLength + payloadLength;
  if (bytes.length !== expected)
    fail(
      `is ${bytes.length < expected ? "truncated" : "too long"}: its preamble says ${PREAMBLE} + ${headerLength} + ${payloadLength} = ${expected} bytes, found ${bytes.length}`,
    );
  const stored = bytes.subarray(24, PREAMBLE);
  const actual = digest(bytes);
  if (!stored.every((b, i) => b === actual[i]))
    fail("is corrupt: its SHA-256 checksum does not match its contents");
  let header: Header;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)),
    );
  } catch (e) {
    return fail(`has an unreadable header: ${(e as Error).message}`);
  }
  if (
    header === null ||
    typeof header !== "object" ||
    header.format !== FORMAT ||
    !Array.isArray(header.tensors)
  )
    fail(`has a header that is not an Axon checkpoint header`);
  const payloadStart = PREAMBLE + headerLength;
  const tensors = new Map<string, TensorEntry>();
  for (const t of header.tensors) {
    const bpe = BYTES[t?.dtype as DType];
    if (
      typeof t?.key !== "string" ||
      bpe === undefined ||
      !Array.isArray(t.shape) ||
      !t.shape.every((d) => Number.isInteger(d) && d >= 0) ||
      !Number.isInteger(t.offset) ||
      t.offset < 0 ||
      t.offset % 8 !== 0 ||
      t.byteLength !== sizeOf(t.shape) * bpe ||
      t.offset + t.byteLength > payloadLength
    )
      fail(`has an invalid entry for tensor ${JSON.stringify(t?.key)}`);
    if (tensors.has(t.key)) fail(`lists tensor '${t.key}' twice`);
    tensors.set(t.key, t);
  }
  const history = header.history ? History.fromJSON(header.history) : null;
  return {
    version,
    created: header.created,
    epoch: header.epoch,
    step: header.step,
    parameters: header.model?.parameters ?? [],
    buffers: header.model?.buffers ?? [],
    tensors: new Map([...tensors].map(([k, t]) => [k, { dtype: t.dtype, shape: t.shape }])),
    optimizer:
      header.optimizer && typeof header.optimizer === "object" ? (header.optimizer as OptimizerState) : null,
    random: header.random,
    standardizer: header.standardizer,
    history,
    metadata: header.metadata,
    values(key) {
      const t = tensors.get(key);
      if (!t) throw new CheckpointError(`load: ${source} has no tensor '${key}'`);
      const start = payloadStart + t.offset;
      const copy = bytes.slice(start, start + t.byteLength).buffer;
      switch (t.dtype) {
        case "float32":
          return new Float32Array(copy);
        case "float64":
          return new Float64Array(copy);
        case "int32":
          return new Int32Array(copy);
        default:
          return new Uint8Array(copy);
      }
    },
  };
}

/** Reads and verifies a checkpoint file without applying it (to inspect it). */
export function readCheckpoint(path: string): CheckpointContents {
  if (!existsSync(path)) throw new CheckpointError(`load: no checkpoint at ${path}`);
  return decodeCheckpoint(new Uint8Array(readFileSync(path)), path);
}

export interface LoadOptions {
  /** Restore the optimizer's state too (the checkpoint must hold one of the same type). */
  optimizer?: StatefulOptimizer | null;
  /** Set the global random stream to the saved state (default true). */
  restoreRandomState?: boolean;
}

/** What `load` gives back besides the restored model and optimizer. */
export interface LoadResult {
  /** Epochs completed: pass it to `fit` as `initialEpoch`. */
  readonly epoch: number;
  readonly step: number;
  readonly created: string;
  /** The standardizer's saved state (`Standardizer.fromJSON(result.standardizer)`), or null. */
  readonly standardizer: unknown;
  /** The history saved with it, or null: pass it to `fit` as `history` to continue it. */
  readonly history: History | null;
  readonly metadata: Record<string, unknown> | null;
}

/**
 * Loads a checkpoint into `model` (and `options.optimizer`). Everything is verified first — the
 * magic, format version, lengths and checksum of the file, then every key, shape and dtype against
 * the model and the optimizer's type and slot shapes against the model's parameters — and only then
 * assigned, so a corrupt or mismatched file leaves the model and optimizer exactly as they were.
 */
export function load(model: Module, path: string, options: LoadOptions = {}): LoadResult {
  const contents = readCheckpoint(path);
  apply(model, contents, options, path);
  return {
    epoch: contents.epoch,
    step: contents.step,
    created: contents.created,
    standardizer: contents.standardizer,
    history: contents.history,
    metadata: contents.metadata,
  };
}

const quoted = (keys: readonly string[], max = 5) =>
  keys
    .slice(0, max)
    .map((k) => `'${k}'`)
    .join(", ") + (keys.length > max ? ` and ${keys.length - max} more` : "");

/** Applies verified contents: checks every key and shape, then assigns all or nothing. */
export function apply(
  model: Module,
  contents: CheckpointContents,
  options: LoadOptions = {},
  source = "checkpoint",
): void {
  const fail = (why: string): never => {
    throw new CheckpointError(`load: ${source} does not fit: ${why}`);
  };
  // 1. The model: the same keys, shapes and dtypes.
  const current = model.stateDict();
  const targets = Object.entries(current).map(([k, t]) => ({ key: k, shape: t.shape, dtype: t.dtype }));
  dispose(Object.values(current));
  const saved = [...contents.parameters, ...contents.buffers];
  const known = new Set(targets.map((t) => t.key));
  const missing = targets.filter((t) => !saved.includes(t.key)).map((t) => t.key);
  const unexpected = saved.filter((k) => !known.has(k));
  if (missing.length > 0) fail(`the model has ${quoted(missing)}, which the checkpoint lacks`);
  if (unexpected.length > 0) fail(`the checkpoint has ${quoted(unexpected)}, which the model lacks`);
  for (const t of targets) {
    const s = contents.tensors.get(`model/${t.key}`);
    if (!s)
      throw new CheckpointError(
        `load: ${source} does not fit: the checkpoint lists '${t.key}' but holds no values for it`,
      );
    if (s.shape.length !== t.shape.length || s.shape.some((d, i) => d !== t.shape[i]))
      fail(
        `'${t.key}' has shape ${fmtShape(s.shape)} in the checkpoint and ${fmtShape(t.shape)} in the model`,
      );
    if (s.dtype !== t.dtype) fail(`'${t.key}' is ${s.dtype} in the checkpoint and ${t.dtype} in the model`);
  }
  // 2. The optimizer: the same type, and every slot the shape of its parameter.
  const optimizer = options.optimizer ?? null;
  const optHeader = contents.optimizer;
  const params = model.namedParameters();
  if (optimizer) {
    if (!optHeader) fail("it holds no optimizer state (it was saved without an optimizer)");
    const before = optimizer.stateDict();
    const { type, groups } = before;
    dispose(before);
    if (optHeader!.type !== type) fail(`its optimizer state is from ${optHeader!.type}, not ${type}`);
    if (!optHeader!.slots || typeof optHeader!.slots !== "object") fail("its optimizer state has no slots");
    // Without param groups, slot i belongs to model.parameters()[i]; with groups the optimizer
    // numbers its parameters itself and checks them when it loads.
    for (const [index, slot] of groups.length > 0 ? [] : Object.entries(optHeader!.slots)) {
      const i = Number(index);
      const param = params[i];
      if (!Number.isInteger(i) || !param)
        fail(
          `its optimizer state has a slot for parameter ${index}, but the model has ${params.length} parameters`,
        );
      const savedName = (slot as { name?: unknown }).name;
      if (typeof savedName === "string" && savedName && param[1].name && savedName !== param[1].name)
        fail(
          `its optimizer slot ${index} belongs to a parameter named '${savedName}', but parameter ${index} is '${param[0]}'`,
        );
      for (const [name, ref] of Object.entries(slot)) {
        if (ref === null || typeof ref !== "object" || !("tensor" in ref)) continue;
        const s = contents.tensors.get(String((ref as { tensor: string }).tensor));
        if (!s)
          throw new CheckpointError(
            `load: ${source} does not fit: its optimizer slot ${index}/${name} has no values`,
          );
        const n = sizeOf(s.shape);
        if (n !== sizeOf(param[1].shape))
          fail(
            `its optimizer slot '${name}' of parameter ${index} has ${n} values, but '${param[0]}' has shape ${fmtShape(param[1].shape)}`,
          );
      }
    }
  }
  // 3. Build every tensor, then assign, rolling back if anything still refuses.
  const made: Tensor[] = [];
  const tensorOf = (key: string): Tensor => {
    const s = contents.tensors.get(key)!;
    const t = makeTensor(contents.values(key), s.shape, s.dtype);
    made.push(t);
    return t;
  };
  const previousModel = model.stateDict();
  const previousOptimizer = optimizer ? optimizer.stateDict() : null;
  try {
    const dict: Record<string, Tensor> = {};
    for (const t of targets) dict[t.key] = tensorOf(`model/${t.key}`);
    let optState: OptimizerState | null = null;
    if (optimizer && optHeader) {
      const slots: Record<string, Record<string, unknown>> = {};
      for (const [index, slot] of Object.entries(optHeader.slots)) {
        const out: Record<string, unknown> = {};
        for (const [name, ref] of Object.entries(slot)) {
          if (ref !== null && typeof ref === "object" && "tensor" in ref) {
            const r = ref as { tensor: string; plain?: boolean };
            out[name] = r.plain ? Array.from(contents.values(r.tensor) as Float64Array) : tensorOf(r.tensor);
          } else out[name] = ref;
        }
        slots[index] = out;
      }
      optState = { ...optHeader, slots };
    }
    try {
      model.loadStateDict(dict);
      if (optimizer && optState) optimizer.loadStateDict(optState);
    } catch (e) {
      model.loadStateDict(previousModel);
      if (optimizer && previousOptimizer) optimizer.loadStateDict(previousOptimizer);
      throw new CheckpointError(`load: ${source} does not fit: ${(e as Error).message}`);
    }
    if (options.restoreRandomState !== false && contents.random) setRandomState(contents.random);
  } finally {
    dispose(made);
    dispose(Object.values(previousModel));
    if (previousOptimizer) dispose(previousOptimizer);
  }
}

// ---------------------------------------------------------------- callback and report

export interface ModelCheckpointOptions {
  /** Save only when `monitor` improves (default false: after every epoch). */
  saveBestOnly?: boolean;
  monitor?: string;
  mode?: "min" | "max" | "auto";
  /** Saved with each checkpoint (a Standardizer). */
  standardizer?: JsonState;
  metadata?: Record<string, unknown>;
  /** Save the history too (default true), so a resumed run continues its curves. */
  history?: boolean;
}

/**
 * Saves a checkpoint at the end of every epoch (or when `monitor` improves), with the epoch count,
 * the optimizer's state, the random stream and the history. `path` may contain `{epoch}`
 * (1-based) for one file per epoch.
 */
export class ModelCheckpoint implements Callback {
  readonly path: string;
  readonly saveBestOnly: boolean;
  readonly monitor: string;
  readonly mode: "min" | "max";
  readonly #options: ModelCheckpointOptions;
  best = Number.NaN;
  /** The last file written. */
  lastPath: string | null = null;

  constructor(path: string, options: ModelCheckpointOptions = {}) {
    if (typeof path !== "string" || path === "")
      throw new CheckpointError("ModelCheckpoint: path must be a file path");
    this.path = path;
    this.#options = options;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.monitor = options.monitor ?? "val_loss";
    const mode = options.mode ?? "auto";
    this.mode = mode === "auto" ? (/acc/i.test(this.monitor) ? "max" : "min") : mode;
  }

  onEpochEnd(epoch: number, logs: Readonly<Record<string, number>>, ctx: TrainingContext): void {
    if (this.saveBestOnly) {
      if (!(this.monitor in logs))
        throw new CheckpointError(
          `ModelCheckpoint: the monitored log '${this.monitor}' is not among this epoch's logs (${Object.keys(logs).join(", ")})`,
        );
      const v = logs[this.monitor];
      const better = Number.isNaN(this.best) || (this.mode === "min" ? v < this.best : v > this.best);
      if (!Number.isFinite(v) || !better) return;
      this.best = v;
    }
    const path = this.path.replaceAll("{epoch}", String(epoch + 1));
    const optimizer = ctx.optimizer as unknown as StatefulOptimizer;
    save(ctx.model, typeof optimizer.stateDict === "function" ? optimizer : null, path, {
      epoch: epoch + 1,
      standardizer: this.#options.standardizer,
      metadata: this.#options.metadata,
      history: this.#options.history === false ? undefined : ctx.history,
    });
    this.lastPath = path;
  }
}

/** Writes the training report (`trainingReport`) to `path` atomically. */
export function writeReport(path: string, history: History, options: TrainingReportOptions = {}): void {
  writeFileAtomic(path, trainingReport(history, options));
}
