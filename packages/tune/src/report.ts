import { rankTrials } from "./search.ts";
import { Space, type Value } from "./spaces.ts";
import type { SearchResult, TrialResult } from "./types.ts";

/** A search's results as a text table and as an SVG picture (the metric against each hyperparameter). */

/** 4 significant digits, trailing zeros dropped; exponent form below 1e-3 and from 1e5. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number.parseFloat(v.toPrecision(4)));
  return v.toExponential(2).replace(/\.?0+e/, "e");
}

/** A hyperparameter's value; values close to 1 keep 3 significant digits of 1 − v (0.99874, not 0.9987). */
export function formatValue(v: Value, space?: Space | Value): string {
  if (typeof v === "number") {
    if (space instanceof Space && space.scale === "oneMinusLog" && v < 1 && v > 0) {
      const digits = Math.min(15, Math.ceil(-Math.log10(1 - v)) + 2);
      return String(Number.parseFloat(v.toFixed(digits)));
    }
    return formatNumber(v);
  }
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

export interface TableOptions {
  /** Show the best `limit` trials only (default: all). */
  limit?: number;
  /** Add a column with each trial's time (default false: the table then depends on the results only). */
  durations?: boolean;
  /** Add a first line naming the search, the metric and the best trial (default true). */
  heading?: boolean;
}

const truncate = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

/** The trials as a text table, best first: finished trials by the metric, then those stopped early, then failed ones. */
export function formatTable<C>(result: SearchResult<C>, options: TableOptions = {}): string {
  const { limit, durations = false, heading = true } = options;
  const names = Object.keys(result.space).filter((k) => result.space[k] instanceof Space);
  const metricNames = [result.metric];
  for (const t of result.trials)
    for (const k of Object.keys(t.metrics)) if (!metricNames.includes(k)) metricNames.push(k);
  const halving = result.budgets.length > 1;
  const anyError = result.trials.some((t) => t.error);
  const ranked = rankTrials(result.trials, result.mode);
  const shown = limit === undefined ? ranked : ranked.slice(0, limit);

  const header = [
    "rank",
    "trial",
    ...names,
    ...metricNames,
    ...(halving ? ["budget"] : []),
    "status",
    ...(durations ? ["time"] : []),
    ...(anyError ? ["error"] : []),
  ];
  const numeric = new Set(["rank", "trial", ...metricNames, "budget", "time"]);
  let rank = 0;
  const rows = shown.map((t) => {
    const failed = t.status === "failed";
    const cfg = t.config as Record<string, Value>;
    return [
      failed ? "-" : String(++rank),
      String(t.trial),
      ...names.map((k) => formatValue(cfg[k], result.space[k])),
      ...metricNames.map((k) => (k in t.metrics ? formatNumber(t.metrics[k]) : "")),
      ...(halving ? [formatNumber(t.budget)] : []),
      t.status,
      ...(durations ? [formatDuration(t.durationMs)] : []),
      ...(anyError ? [truncate(t.error ?? "", 72)] : []),
    ];
  });
  // numbers line up on the right (a choice of numbers too), text on the left
  for (const k of names)
    if (result.trials.every((t) => typeof (t.config as Record<string, Value>)[k] === "number"))
      numeric.add(k);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, j) => (numeric.has(header[j]) ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join("  ")
      .trimEnd();
  const out: string[] = [];
  if (heading) out.push(summaryLine(result));
  out.push(line(header), ...rows.map(line));
  if (shown.length < ranked.length) out.push(`… ${ranked.length - shown.length} more`);
  return out.join("\n");
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

function summaryLine<C>(r: SearchResult<C>): string {
  const failed = r.trials.filter((t) => t.status === "failed").length;
  const stopped = r.trials.filter((t) => t.status === "stopped").length;
  const parts = [
    `${r.kind}: ${r.trials.length} trials`,
    `${r.metric} (${r.mode})`,
    r.best ? `best: trial ${r.best.trial}, ${r.metric} ${formatNumber(r.best.value)}` : "no trial finished",
  ];
  if (r.budgets.length > 1) parts.push(`budgets ${r.budgets.map(formatNumber).join(", ")}`);
  if (stopped) parts.push(`${stopped} stopped early`);
  if (failed) parts.push(`${failed} failed`);
  return parts.join(" · ");
}

// ---------------------------------------------------------------------------------------------
// The picture

export interface SvgOptions {
  /** A title above the panels (default: the search, metric and best trial). */
  title?: string;
  /** A log scale for the metric: true, false, or "auto" (default: when it is positive and spans 2 decades). */
  logMetric?: boolean | "auto";
  /** Panels per row (default: up to 3). */
  columns?: number;
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const r2 = (v: number) => Math.round(v * 100) / 100;

/** About `count` round ticks (1, 2 or 5 × 10^k) covering [lo, hi]. */
function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number.parseFloat(v.toPrecision(12)));
  return ticks;
}

/** Ticks of a log axis over [lo, hi] in log10 units: the decades, with 2 and 5 when there are few. */
function logTicks(lo: number, hi: number): number[] {
  const decades: number[] = [];
  for (let e = Math.ceil(lo - 1e-9); e <= hi + 1e-9; e++) decades.push(e);
  if (decades.length >= 3) {
    const stride = Math.ceil(decades.length / 6);
    return decades.filter((e) => e % stride === 0);
  }
  const ticks: number[] = [];
  for (let e = Math.floor(lo) - 1; e <= Math.ceil(hi); e++)
    for (const m of [1, 2, 5]) {
      const t = e + Math.log10(m);
      if (t >= lo - 1e-9 && t <= hi + 1e-9) ticks.push(t);
    }
  return ticks.length >= 2
    ? ticks
    : niceTicks(10 ** lo, 10 ** hi, 4)
        .filter((v) => v > 0)
        .map(Math.log10);
}

function tickLabel(v: number): string {
  if (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e5)) {
    const e = Math.log10(Math.abs(v));
    if (Math.abs(e - Math.round(e)) < 1e-9) return `${v < 0 ? "-" : ""}1e${Math.round(e)}`;
  }
  return formatNumber(v);
}

/** How a hyperparameter's values map to [0, 1] along its axis, with its ticks. */
interface Axis {
  pos(v: Value): number;
  /** Points of a category are spread over this much of the axis, so they do not all overlap. */
  spread: number;
  ticks: { at: number; label: string }[];
  note: string;
}

function axisOf(space: Space, values: Value[]): Axis {
  if (space.scale === "categorical") {
    const cats = [...((space as Space & { values: readonly Value[] }).values ?? [])];
    const keyOf = (v: Value) => JSON.stringify(v);
    for (const v of values) if (!cats.some((c) => keyOf(c) === keyOf(v))) cats.push(v);
    const index = new Map(cats.map((c, i) => [keyOf(c), i]));
    const maxLen = Math.max(4, Math.floor(36 / cats.length));
    return {
      pos: (v) => ((index.get(keyOf(v)) ?? 0) + 0.5) / cats.length,
      ticks: cats.map((c, i) => ({ at: (i + 0.5) / cats.length, label: truncate(formatValue(c), maxLen) })),
      spread: 0.4 / cats.length,
      note: "",
    };
  }
  const nums = values.filter((v): v is number => typeof v === "number");
  const bounds = space as Space & { low: number; high: number };
  const transform =
    space.scale === "log"
      ? (v: number) => Math.log10(v)
      : space.scale === "oneMinusLog"
        ? (v: number) => -Math.log10(1 - v)
        : (v: number) => v;
  const ts = [bounds.low, bounds.high, ...nums].map(transform).filter(Number.isFinite);
  let lo = Math.min(...ts);
  let hi = Math.max(...ts);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.04;
  const [dlo, dhi] = [lo - pad, hi + pad];
  const pos = (v: Value) => (typeof v === "number" ? (transform(v) - dlo) / (dhi - dlo) : 0.5);
  let ticks: { at: number; label: string }[];
  if (space.scale === "log")
    ticks = logTicks(lo, hi).map((t) => ({ at: (t - dlo) / (dhi - dlo), label: tickLabel(10 ** t) }));
  else if (space.scale === "oneMinusLog") {
    // t = −log10(1 − v): ticks at 0.9, 0.99, 0.999, … (and 0.5, 0.8, … when the range is narrow)
    ticks = logTicks(-hi, -lo).map((t) => ({
      at: (-t - dlo) / (dhi - dlo),
      label: formatValue(1 - 10 ** t, space),
    }));
  } else {
    const integer = space.kind === "intUniform";
    ticks = niceTicks(lo, hi)
      .filter((t) => !integer || Number.isInteger(t))
      .map((t) => ({ at: (t - dlo) / (dhi - dlo), label: tickLabel(t) }));
  }
  const note =
    space.scale === "log" ? "log scale" : space.scale === "oneMinusLog" ? "log scale in 1 − x" : "";
  return { pos, ticks, spread: 0, note };
}

function metricAxis(values: number[], log: boolean | "auto") {
  const finite = values.filter(Number.isFinite);
  const positive = finite.length > 0 && finite.every((v) => v > 0);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  const useLog = log === true ? positive : log === "auto" ? positive && hi / lo >= 100 : false;
  const t = useLog ? Math.log10 : (v: number) => v;
  lo = t(lo);
  hi = t(hi);
  if (!(hi > lo)) {
    const d = useLog ? 0.5 : Math.abs(lo) * 0.1 || 1;
    lo -= d;
    hi += d;
  }
  const pad = (hi - lo) * 0.06;
  const [dlo, dhi] = [lo - pad, hi + pad];
  const ticks = useLog
    ? logTicks(lo, hi).map((e) => ({ at: (e - dlo) / (dhi - dlo), label: tickLabel(10 ** e) }))
    : niceTicks(lo, hi).map((v) => ({ at: (v - dlo) / (dhi - dlo), label: tickLabel(v) }));
  return { pos: (v: number) => (t(v) - dlo) / (dhi - dlo), ticks, log: useLog };
}

/**
 * A self-contained SVG: one panel per hyperparameter with the metric of every trial against its
 * value (log axes for the log spaces, 1 − x on a log axis for `oneMinusLogUniform`). Trials stopped
 * early by successive halving are hollow (their metric is at a smaller budget), failed ones are
 * crosses in the strip above each panel, and the best trial is ringed.
 */
export function renderSvg<C>(result: SearchResult<C>, options: SvgOptions = {}): string {
  const names = Object.keys(result.space).filter((k) => result.space[k] instanceof Space);
  const trials = result.trials as TrialResult<C>[];
  const cfg = (t: TrialResult<C>) => t.config as Record<string, Value>;
  const cols = Math.max(1, Math.min(options.columns ?? 3, names.length || 1));
  const rows = Math.max(1, Math.ceil(names.length / cols));
  const [pw, ph] = [330, 250];
  const m = { l: 62, r: 16, t: 46, b: 48 };
  const headH = 84;
  const width = Math.max(cols * pw, 600);
  const left = Math.floor((width - cols * pw) / 2);
  const height = headH + rows * ph;
  const y = metricAxis(
    trials.filter((t) => t.status !== "failed").map((t) => t.value),
    options.logMetric ?? "auto",
  );
  const maxBudget = Math.max(...trials.map((t) => t.budget));
  const title =
    options.title ??
    `${result.kind === "gridSearch" ? "Grid" : "Random"} search: ${result.metric} (${result.mode === "min" ? "lower" : "higher"} is better) against each hyperparameter`;
  const has = {
    stopped: trials.some((t) => t.status === "stopped"),
    failed: trials.some((t) => t.status === "failed"),
  };

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="600" fill="#222">${esc(title)}</text>`,
  );
  const sub = summaryLine(result);
  out.push(`<text x="16" y="43" font-size="12" fill="#555">${esc(sub)}</text>`);
  // legend, on its own line under the title
  const items: [string, string][] = [
    ["finished", `<circle r="3.5" fill="#1f77b4" fill-opacity="0.75"/>`],
    ["best", `<circle r="7" fill="none" stroke="#d62728" stroke-width="2"/><circle r="3.5" fill="#1f77b4"/>`],
  ];
  if (has.stopped)
    items.push([
      "stopped early (metric at its last budget)",
      `<circle r="3.5" fill="none" stroke="#7f7f7f" stroke-width="1.3"/>`,
    ]);
  if (has.failed)
    items.push([
      "failed",
      `<path d="M-3.5,-3.5L3.5,3.5M-3.5,3.5L3.5,-3.5" stroke="#d62728" stroke-width="1.6"/>`,
    ]);
  let lx = 16;
  for (const [label, mark] of items) {
    out.push(
      `<g transform="translate(${lx + 8},${headH - 14})">${mark}<text x="13" y="4" font-size="12" fill="#333">${esc(label)}</text></g>`,
    );
    lx += label.length * 6.6 + 40;
  }

  names.forEach((name, i) => {
    const space = result.space[name] as Space;
    const ox = left + (i % cols) * pw;
    const oy = headH + Math.floor(i / cols) * ph;
    const [x0, y0] = [ox + m.l, oy + m.t];
    const [w, h] = [pw - m.l - m.r, ph - m.t - m.b];
    const x = axisOf(
      space,
      trials.map((t) => cfg(t)[name]),
    );
    // a fixed offset per trial (fractional parts of multiples of the golden ratio) within the spread
    const jitter = (trial: number) => (((trial * 0.6180339887498949) % 1) - 0.5) * x.spread;
    const px = (v: Value, trial = -1) => r2(x0 + (x.pos(v) + (trial >= 0 ? jitter(trial) : 0)) * w);
    const py = (v: number) => r2(y0 + h - y.pos(v) * h);
    out.push(`<g>`);
    out.push(
      `<text x="${x0}" y="${oy + 18}" font-size="13" font-weight="600" fill="#222">${esc(name)}</text>`,
      `<text x="${x0 + w}" y="${oy + 18}" font-size="11" fill="#777" text-anchor="end">${esc(truncate(String(space), Math.max(8, Math.floor((w - name.length * 8.5 - 12) / 6))))}</text>`,
      `<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="#fafafa" stroke="#bbb"/>`,
    );
    if (has.failed)
      out.push(
        `<text x="${x0 - 6}" y="${y0 - 8}" font-size="10" fill="#d62728" text-anchor="end">failed</text>`,
      );
    for (const tk of y.ticks) {
      const ty = r2(y0 + h - tk.at * h);
      out.push(
        `<line x1="${x0}" x2="${x0 + w}" y1="${ty}" y2="${ty}" stroke="#e6e6e6"/>`,
        `<text x="${x0 - 6}" y="${ty + 3.5}" font-size="10.5" fill="#555" text-anchor="end">${esc(tk.label)}</text>`,
      );
    }
    for (const tk of x.ticks) {
      const tx = r2(x0 + tk.at * w);
      out.push(
        `<line x1="${tx}" x2="${tx}" y1="${y0}" y2="${y0 + h}" stroke="#eeeeee"/>`,
        `<line x1="${tx}" x2="${tx}" y1="${y0 + h}" y2="${y0 + h + 4}" stroke="#888"/>`,
        `<text x="${tx}" y="${y0 + h + 16}" font-size="10.5" fill="#555" text-anchor="middle">${esc(tk.label)}</text>`,
      );
    }
    out.push(
      `<text x="${x0 + w / 2}" y="${y0 + h + 36}" font-size="11" fill="#444" text-anchor="middle">${esc(name)}${x.note ? ` (${x.note})` : ""}</text>`,
      `<text transform="translate(${ox + 14},${y0 + h / 2}) rotate(-90)" font-size="11" fill="#444" text-anchor="middle">${esc(result.metric)}${y.log ? " (log scale)" : ""}</text>`,
    );
    // points: stopped first (under), then finished, failed in the strip above the panel
    for (const t of trials) {
      if (t.status !== "stopped" || !Number.isFinite(t.value)) continue;
      out.push(
        `<circle cx="${px(cfg(t)[name], t.trial)}" cy="${py(t.value)}" r="3.5" fill="none" stroke="#7f7f7f" stroke-width="1.3"><title>trial ${t.trial}: ${esc(name)} ${esc(formatValue(cfg(t)[name], space))}, ${esc(result.metric)} ${formatNumber(t.value)} at budget ${formatNumber(t.budget)}</title></circle>`,
      );
    }
    for (const t of trials) {
      if (t.status !== "ok") continue;
      const opacity = t.budget === maxBudget ? 0.75 : 0.35;
      out.push(
        `<circle cx="${px(cfg(t)[name], t.trial)}" cy="${py(t.value)}" r="3.5" fill="#1f77b4" fill-opacity="${opacity}"><title>trial ${t.trial}: ${esc(name)} ${esc(formatValue(cfg(t)[name], space))}, ${esc(result.metric)} ${formatNumber(t.value)}</title></circle>`,
      );
    }
    for (const t of trials) {
      if (t.status !== "failed") continue;
      const [cx, cy] = [px(cfg(t)[name], t.trial), r2(y0 - 8)];
      out.push(
        `<path d="M${cx - 3.5},${cy - 3.5}L${cx + 3.5},${cy + 3.5}M${cx - 3.5},${cy + 3.5}L${cx + 3.5},${cy - 3.5}" stroke="#d62728" stroke-width="1.6"><title>trial ${t.trial} failed: ${esc(t.error ?? "")}</title></path>`,
      );
    }
    if (result.best) {
      const b = result.best;
      out.push(
        `<circle cx="${px(cfg(b)[name], b.trial)}" cy="${py(b.value)}" r="7" fill="none" stroke="#d62728" stroke-width="2"/>`,
      );
    }
    out.push(`</g>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
