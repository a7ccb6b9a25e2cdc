import type { DType, TypedArray } from "./dtype.ts";
import type { Shape } from "./shape.ts";

/** Knobs of the printed layout (NumPy's `set_printoptions` names). */
export interface FormatOptions {
  /** Digits after the decimal point of floats, at most (trailing zeros are dropped). Default 4. */
  precision?: number;
  /** Tensors with more elements than this are abbreviated with `...`. Default 1000. */
  threshold?: number;
  /** Items shown at each edge of an abbreviated axis. Default 3. */
  edgeItems?: number;
  /** Rows longer than this many characters wrap. Default 75. */
  lineWidth?: number;
}

const PREFIX = "Tensor(";

/**
 * NumPy-like text of a tensor: nested brackets aligned under each other, floats with a common
 * layout (fixed or scientific, aligned on the decimal point), ints plain, bools `true`/`false`,
 * and `...` in place of the middle of long axes when the tensor is large:
 *
 *     Tensor([[1. , 2.5],
 *             [3. , 4. ]], shape=[2,2], dtype=float32)
 */
export function formatTensor(
  values: TypedArray,
  shape: Shape,
  dtype: DType,
  options: FormatOptions = {},
): string {
  const precision = options.precision ?? 4;
  const threshold = options.threshold ?? 1000;
  const edgeItems = options.edgeItems ?? 3;
  const lineWidth = options.lineWidth ?? 75;
  const footer = `, shape=[${shape.join(",")}], dtype=${dtype})`;
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 0) return `${PREFIX}[]${footer}`;

  const rank = shape.length;
  const abbreviate = size > threshold;
  // Per axis, the indices shown; null marks the `...` in between.
  const shown = shape.map((d) =>
    abbreviate && d > 2 * edgeItems
      ? [...range(0, edgeItems), null, ...range(d - edgeItems, d)]
      : range(0, d),
  );
  const strides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  const offsets = shownOffsets(shown, strides);
  const cells = formatCells(
    offsets.map((o) => values[o]),
    dtype,
    precision,
  );
  const cellOf = new Map<number, string>();
  offsets.forEach((o, i) => {
    cellOf.set(o, cells[i]);
  });

  const block = (axis: number, offset: number, col: number): string => {
    if (axis === rank) return cellOf.get(offset)!;
    const idx = shown[axis];
    if (axis === rank - 1) {
      const items = idx.map((i) => (i === null ? "..." : cellOf.get(offset + i * strides[axis])!));
      return `[${wrap(items, col + 1, lineWidth)}]`;
    }
    const sep = `,${"\n".repeat(rank - axis - 1)}${" ".repeat(col + 1)}`;
    const parts = idx.map((i) => (i === null ? "..." : block(axis + 1, offset + i * strides[axis], col + 1)));
    return `[${parts.join(sep)}]`;
  };
  return `${PREFIX}${block(0, 0, PREFIX.length)}${footer}`;
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** Flat offsets of every shown element, in row-major order. */
function shownOffsets(shown: (number | null)[][], strides: number[]): number[] {
  let offsets = [0];
  shown.forEach((idx, axis) => {
    const next: number[] = [];
    for (const o of offsets) for (const i of idx) if (i !== null) next.push(o + i * strides[axis]);
    offsets = next;
  });
  return offsets;
}

/** Joins items with ", ", starting a new line (indented to `col`) before a line would pass `width`. */
function wrap(items: string[], col: number, width: number): string {
  let out = "";
  let pos = col;
  items.forEach((item, k) => {
    const piece = k < items.length - 1 ? `${item}, ` : item;
    if (k > 0 && pos + piece.trimEnd().length + 1 > width) {
      out = `${out.trimEnd()}\n${" ".repeat(col)}`;
      pos = col;
    }
    out += piece;
    pos += piece.length;
  });
  return out;
}

/** The text of each value, padded to one common width. */
export function formatCells(values: number[], dtype: DType, precision = 4): string[] {
  let cells: string[];
  if (dtype === "bool") cells = values.map((v) => (v ? "true" : "false"));
  else if (dtype === "int32") cells = values.map((v) => String(v));
  else cells = formatFloats(values, precision);
  const width = Math.max(...cells.map((c) => c.length));
  return cells.map((c) => c.padStart(width));
}

/**
 * Floats in one style: scientific when the finite magnitudes reach 1e8, go below 1e-4 or span more
 * than three decades (NumPy's rule), fixed otherwise. Each value keeps up to `precision` decimals
 * without trailing zeros, and all are aligned on the decimal point; mantissas share one length.
 */
function formatFloats(values: number[], precision: number): string[] {
  const mags = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  const maxAbs = mags.length ? Math.max(...mags) : 0;
  const minAbs = mags.length ? Math.min(...mags) : 0;
  const scientific = mags.length > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1e3);
  const parts = values.map((v) => {
    if (Number.isNaN(v)) return null;
    if (!Number.isFinite(v)) return null;
    if (scientific) {
      const [mant, exp] = v.toExponential(precision).split("e");
      const [ip, fp] = mant.split(".");
      const e = Number(exp);
      return {
        int: ip,
        frac: trimZeros(fp ?? ""),
        exp: `e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`,
      };
    }
    const [ip, fp] = v.toFixed(precision).split(".");
    // toFixed drops the sign of values that round to zero; keep it, as NumPy does.
    const int = v < 0 && !ip.startsWith("-") ? `-${ip}` : ip;
    return { int, frac: trimZeros(fp ?? ""), exp: "" };
  });
  const ok = parts.filter((p) => p !== null);
  const intWidth = Math.max(0, ...ok.map((p) => p.int.length));
  const fracWidth = Math.max(0, ...ok.map((p) => p.frac.length));
  return parts.map((p, i) => {
    if (p === null) {
      const v = values[i];
      return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }
    // Mantissas share their digits (zeros, as NumPy); fixed values align on the point (spaces).
    return `${p.int.padStart(intWidth)}.${p.frac.padEnd(fracWidth, scientific ? "0" : " ")}${p.exp}`;
  });
}

function trimZeros(frac: string): string {
  return frac.replace(/0+$/, "");
}
