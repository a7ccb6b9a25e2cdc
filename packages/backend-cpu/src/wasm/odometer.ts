import type { FunctionBuilder, Local } from "./emitter.ts";

/**
 * A row-major counter over `rank` outer axes (a runtime value) that keeps, for each of `streams`
 * strided arrays, the byte offset of the current position. The i32 table at `table` holds the axis
 * sizes, then per stream its byte stride along each axis; `scratch` holds the caller's own `rank`
 * digits (each thread has one, the table is shared).
 */
export class Odometer {
  /** Byte offset of the current position in each stream. */
  readonly offsets: readonly Local[];
  readonly #f: FunctionBuilder;
  readonly #rank: Local;
  readonly #table: Local;
  readonly #scratch: Local;
  readonly #k: Local;

  constructor(f: FunctionBuilder, rank: Local, table: Local, scratch: Local, streams: number) {
    this.#f = f;
    this.#rank = rank;
    this.#table = table;
    this.#scratch = scratch;
    this.#k = f.local("i32");
    this.offsets = Array.from({ length: streams }, () => f.local("i32"));
  }

  /** Pushes the size of axis k. */
  #size(): void {
    const f = this.#f;
    f.get(this.#table).get(this.#k).i32(4).op("i32.mul").op("i32.add").mem("i32.load");
  }

  /** Pushes stream s's byte stride along axis k: table[rank·(s + 1) + k]. */
  #stride(s: number): void {
    const f = this.#f;
    f.get(this.#table)
      .get(this.#rank)
      .i32(s + 1)
      .op("i32.mul")
      .get(this.#k)
      .op("i32.add");
    f.i32(4).op("i32.mul").op("i32.add").mem("i32.load");
  }

  /** Pushes the address of digit k. */
  #digit(): void {
    const f = this.#f;
    f.get(this.#scratch).get(this.#k).i32(4).op("i32.mul").op("i32.add");
  }

  /** Sets the position to flat index `start` (pushed by the callback). */
  start(start: () => void): void {
    const f = this.#f;
    const k = this.#k;
    const rem = f.local("i32");
    const size = f.local("i32");
    for (const o of this.offsets) f.i32(0).set(o);
    start();
    f.set(rem);
    f.get(this.#rank).i32(1).op("i32.sub").set(k);
    f.block((done) => {
      f.loop((top) => {
        f.get(k).i32(0).op("i32.lt_s").brIf(done);
        this.#size();
        f.set(size);
        this.#digit();
        f.get(rem).get(size).op("i32.rem_u").mem("i32.store");
        this.offsets.forEach((o, s) => {
          f.get(o);
          this.#digit();
          f.mem("i32.load");
          this.#stride(s);
          f.op("i32.mul").op("i32.add").set(o);
        });
        f.get(rem).get(size).op("i32.div_u").set(rem);
        f.inc(k, -1).br(top);
      });
    });
  }

  /** Steps to the next position: the last axis counts up; a digit that wraps resets and carries. */
  next(): void {
    const f = this.#f;
    const k = this.#k;
    const digit = f.local("i32");
    f.get(this.#rank).i32(1).op("i32.sub").set(k);
    f.block((done) => {
      f.loop((top) => {
        f.get(k).i32(0).op("i32.lt_s").brIf(done);
        this.#digit();
        f.mem("i32.load").i32(1).op("i32.add").set(digit);
        this.offsets.forEach((o, s) => {
          f.get(o);
          this.#stride(s);
          f.op("i32.add").set(o);
        });
        this.#size();
        f.get(digit).op("i32.gt_s");
        f.if(() => {
          this.#digit();
          f.get(digit).mem("i32.store");
          f.br(done);
        });
        this.offsets.forEach((o, s) => {
          f.get(o);
          this.#stride(s);
          this.#size();
          f.op("i32.mul").op("i32.sub").set(o);
        });
        this.#digit();
        f.i32(0).mem("i32.store");
        f.inc(k, -1).br(top);
      });
    });
  }
}

/** The i32 words of an odometer table: sizes, then each stream's byte strides along the axes. */
export function odometerTable(
  dims: readonly number[],
  byteStrides: readonly (readonly number[])[],
): number[] {
  return [...dims, ...byteStrides.flat()];
}
