import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ValueError } from "@axon/core";
import type { Config } from "./spaces.ts";
import type { Metrics } from "./types.ts";

/**
 * The search log: JSON lines, one per finished evaluation (a trial at one budget), appended and
 * flushed to disk as each one ends. A search given an existing log reuses every line whose trial
 * index, budget and configuration match, so an interrupted search resumes without repeating them.
 */

export interface LogRecord {
  trial: number;
  rung: number;
  budget: number;
  config: Config;
  /** `stopped` lines note a trial that successive halving did not promote to `rung`. */
  status: "ok" | "failed" | "stopped";
  metrics: Metrics;
  error: string | null;
  durationMs: number;
  /** ISO time the line was written. */
  finishedAt: string;
}

export function logPath(who: string, log: string | URL): string {
  if (log instanceof URL) return fileURLToPath(log);
  if (typeof log === "string" && log.length > 0) return log.startsWith("file:") ? fileURLToPath(log) : log;
  throw new ValueError(`${who}: log must be a file path or a file URL, got ${String(log)}`);
}

/** JSON with sorted keys: the same configuration always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

/** NaN and ±Infinity are not JSON: they are written as the strings "NaN", "Infinity", "-Infinity". */
function encodeMetrics(metrics: Metrics): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(metrics)) out[k] = Number.isFinite(v) ? v : String(v);
  return out;
}

function decodeMetrics(metrics: unknown): Metrics | undefined {
  if (metrics === null || typeof metrics !== "object" || Array.isArray(metrics)) return undefined;
  const out: Metrics = {};
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v === "number") out[k] = v;
    else if (v === "NaN" || v === "Infinity" || v === "-Infinity") out[k] = Number(v);
    else return undefined;
  }
  return out;
}

function decodeRecord(line: string): LogRecord | undefined {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (r === null || typeof r !== "object") return undefined;
  const metrics = decodeMetrics(r.metrics);
  if (
    !Number.isInteger(r.trial) ||
    !Number.isInteger(r.rung) ||
    typeof r.budget !== "number" ||
    r.config === null ||
    typeof r.config !== "object" ||
    (r.status !== "ok" && r.status !== "failed" && r.status !== "stopped") ||
    metrics === undefined
  )
    return undefined;
  return {
    trial: r.trial as number,
    rung: r.rung as number,
    budget: r.budget,
    config: r.config as Config,
    status: r.status,
    metrics,
    error: typeof r.error === "string" ? r.error : null,
    durationMs: typeof r.durationMs === "number" ? r.durationMs : 0,
    finishedAt: typeof r.finishedAt === "string" ? r.finishedAt : "",
  };
}

/**
 * The records of a log file, in file order ([] if it does not exist). Lines that are not records
 * — such as a last line cut short when the process was killed while writing it — are skipped.
 */
export function readLog(path: string | URL): LogRecord[] {
  const file = logPath("readLog", path);
  if (!existsSync(file)) return [];
  const records: LogRecord[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const r = decodeRecord(line);
    if (r) records.push(r);
  }
  return records;
}

/** Appends records to a log, one flushed line each. */
export class LogWriter {
  readonly path: string;

  /** `fresh: true` empties an existing file; otherwise lines are added after the existing ones. */
  constructor(path: string | URL, options: { fresh?: boolean } = {}) {
    this.path = logPath("LogWriter", path);
    mkdirSync(dirname(this.path), { recursive: true });
    if (options.fresh) closeSync(openSync(this.path, "w"));
    else if (existsSync(this.path)) {
      // A line cut short by a crash gets its own line, so the next record stays readable.
      const text = readFileSync(this.path, "utf8");
      if (text.length > 0 && !text.endsWith("\n")) this.write("\n");
    }
  }

  append(record: LogRecord): void {
    const line = JSON.stringify({
      trial: record.trial,
      rung: record.rung,
      budget: record.budget,
      config: record.config,
      status: record.status,
      metrics: encodeMetrics(record.metrics),
      error: record.error,
      durationMs: Math.round(record.durationMs * 1000) / 1000,
      finishedAt: record.finishedAt,
    });
    this.write(line + "\n");
  }

  private write(text: string): void {
    const fd = openSync(this.path, "a");
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
