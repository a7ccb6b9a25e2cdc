/**
 * Training progress: a bar redrawn in place on a terminal (epoch, batch, loss and metrics,
 * throughput, ETA), plain lines when the output is not a terminal (a log file, CI), or nothing.
 */

/** Where progress goes: `process.stdout` by default (in a browser, `console.log` lines). */
export interface ProgressOutput {
  write(text: string): void;
  /** A terminal: the bar is redrawn in place. */
  readonly isTTY?: boolean;
  /** Width of the terminal (default 100). */
  readonly columns?: number;
}

/** 0 or false: quiet. 1 or true: a bar on a terminal, plain lines otherwise. 2: plain lines always. */
export type Verbosity = 0 | 1 | 2 | boolean;

export interface ProgressOptions {
  readonly verbose?: Verbosity;
  readonly output?: ProgressOutput;
  /** Milliseconds, for tests (default `performance.now`). */
  readonly now?: () => number;
  /** Plain-line mode: at most one line per this many seconds within an epoch (default 10). */
  readonly lineInterval?: number;
}

export interface ProgressStart {
  readonly initialEpoch: number;
  readonly epochs: number;
  readonly numBatches: number;
  readonly numExamples: number | undefined;
  readonly validationExamples?: number;
}

function defaultOutput(): ProgressOutput {
  const stdout = (globalThis as { process?: { stdout?: ProgressOutput } }).process?.stdout;
  if (stdout && typeof stdout.write === "function") return stdout;
  let pending = "";
  return {
    write(text) {
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) console.log(line);
    },
  };
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Seconds as "0.8s", "12s", "3:05" or "1:02:03". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (v: number) => String(v).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** A metric value: 4 decimals in the usual range, exponent notation outside it. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toFixed(4);
}

/** "loss 0.2345  accuracy 0.9312" (the learning rate in exponent form). */
export function formatLogs(logs: Readonly<Record<string, number>>, skip: readonly string[] = []): string {
  return Object.entries(logs)
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => `${k} ${k === "lr" ? v.toExponential(2) : formatValue(v)}`)
    .join("  ");
}

const BAR_WIDTH = 24;

/** Draws training progress; `fit` drives it. */
export class ProgressReporter {
  readonly mode: "quiet" | "bar" | "lines";
  readonly #out: ProgressOutput;
  readonly #now: () => number;
  readonly #interval: number;
  #start: ProgressStart | null = null;
  #epoch = 0;
  #epochStart = 0;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #barShown = "";

  constructor(options: ProgressOptions = {}) {
    const verbose = options.verbose ?? 1;
    this.#out = options.output ?? defaultOutput();
    this.#now = options.now ?? (() => performance.now());
    this.#interval = (options.lineInterval ?? 10) * 1000;
    if (verbose === 0 || verbose === false) this.mode = "quiet";
    else if ((verbose === 1 || verbose === true) && this.#out.isTTY === true) this.mode = "bar";
    else this.mode = "lines";
  }

  get #columns(): number {
    // A pseudo-terminal may report 0 columns.
    return Math.max(40, this.#out.columns || 100);
  }

  #epochLabel(epoch: number): string {
    return `Epoch ${epoch + 1}/${this.#start?.epochs ?? "?"}`;
  }

  #clearBar(): void {
    if (this.#barShown) {
      this.#out.write("\r\x1b[2K");
      this.#barShown = "";
    }
  }

  /** A line of its own (a callback's message), without breaking the bar. */
  log(line: string): void {
    if (this.mode === "quiet") return;
    const bar = this.#barShown;
    this.#clearBar();
    this.#out.write(`${line}\n`);
    if (bar) {
      this.#out.write(bar);
      this.#barShown = bar;
    }
  }

  trainBegin(start: ProgressStart): void {
    this.#start = start;
    if (this.mode === "quiet") return;
    const examples = start.numExamples === undefined ? "" : `${formatCount(start.numExamples)} examples in `;
    const validation =
      start.validationExamples === undefined
        ? ""
        : `, validating on ${formatCount(start.validationExamples)} examples`;
    this.log(
      `Training for ${start.epochs - start.initialEpoch} epoch${start.epochs - start.initialEpoch === 1 ? "" : "s"} on ${examples}${formatCount(start.numBatches)} batches${validation}`,
    );
  }

  epochBegin(epoch: number): void {
    this.#epoch = epoch;
    this.#epochStart = this.#now();
    // The bar appears at the first batch; plain lines only after an interval.
    this.#lastDraw = this.mode === "bar" ? Number.NEGATIVE_INFINITY : this.#epochStart;
  }

  /** After batch `batch` (0-based) of the epoch, with `seen` examples so far and the running logs. */
  batchEnd(batch: number, seen: number, logs: Readonly<Record<string, number>>): void {
    if (this.mode === "quiet" || !this.#start) return;
    const now = this.#now();
    const done = batch + 1;
    const total = this.#start.numBatches;
    const last = done === total;
    if (
      this.mode === "bar"
        ? now - this.#lastDraw < 100 && !last
        : now - this.#lastDraw < this.#interval || last
    )
      return;
    this.#lastDraw = now;
    const elapsed = (now - this.#epochStart) / 1000;
    const rate = elapsed > 0 ? seen / elapsed : 0;
    const eta = done > 0 ? (elapsed / done) * (total - done) : Number.NaN;
    const counter = `${String(done).padStart(String(total).length)}/${total}`;
    const tail = `${formatLogs(logs)}  ${formatCount(rate)} ex/s  ETA ${formatDuration(eta)}`;
    if (this.mode === "lines") {
      this.#out.write(`${this.#epochLabel(this.#epoch)}  ${counter}  ${tail}\n`);
      return;
    }
    const filled = Math.round((BAR_WIDTH * done) / Math.max(total, 1));
    const bar = `${"━".repeat(filled)}${"─".repeat(BAR_WIDTH - filled)}`;
    // On a narrow terminal the bar goes first, then the end of the line.
    let text = `${this.#epochLabel(this.#epoch)} ${bar} ${counter}  ${tail}`;
    if (text.length > this.#columns - 1) text = `${this.#epochLabel(this.#epoch)}  ${counter}  ${tail}`;
    if (text.length > this.#columns - 1) text = `${text.slice(0, this.#columns - 2)}…`;
    this.#out.write(`\r\x1b[2K${text}`);
    this.#barShown = `\r\x1b[2K${text}`;
  }

  /** The epoch's summary line (replaces the bar). */
  epochEnd(epoch: number, logs: Readonly<Record<string, number>>, seen: number): void {
    if (this.mode === "quiet" || !this.#start) return;
    const seconds = (this.#now() - this.#epochStart) / 1000;
    const rate = seconds > 0 ? seen / seconds : 0;
    const total = this.#start.numBatches;
    this.#clearBar();
    this.#out.write(
      `${this.#epochLabel(epoch)}  ${total}/${total}  ${formatDuration(seconds)}  ${formatCount(rate)} ex/s  ${formatLogs(logs)}\n`,
    );
  }

  trainEnd(): void {
    this.#clearBar();
  }
}
