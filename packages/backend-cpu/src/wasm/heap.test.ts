import { describe, expect, it } from "vitest";
import { ALIGN, CpuBuffer, Heap, RESERVED, sizeClass } from "./heap.ts";

describe("size classes", () => {
  it("round up to 64 bytes, then to four classes per power of two", () => {
    expect(sizeClass(1)).toBe(64);
    expect(sizeClass(64)).toBe(64);
    expect(sizeClass(65)).toBe(128);
    expect(sizeClass(1024)).toBe(1024);
    expect(sizeClass(1025)).toBe(1280);
    expect(sizeClass(4096)).toBe(4096);
    expect(sizeClass(4097)).toBe(5120);
    for (let b = 1; b < 1e7; b = Math.ceil(b * 1.37)) {
      const c = sizeClass(b);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c % ALIGN).toBe(0);
      if (b > 1024) expect(c / b).toBeLessThanOrEqual(1.25);
    }
  });
});

describe("Heap", () => {
  for (const shared of [false, true]) {
    it(`allocates aligned blocks, reuses freed ones by class and grows (${shared ? "shared" : "unshared"})`, () => {
      const heap = new Heap({ shared, initialPages: 2, maxPages: 64 });
      const a = heap.alloc(100);
      const b = heap.alloc(100);
      expect(a).toBeGreaterThanOrEqual(RESERVED);
      expect(a % ALIGN).toBe(0);
      expect(b % ALIGN).toBe(0);
      expect(b).not.toBe(a);
      heap.free(a);
      expect(heap.alloc(90)).toBe(a);
      expect(() => heap.free(12345)).toThrow(/not live/);
      const gen = heap.generation;
      const big = heap.alloc(300_000);
      expect(heap.generation).toBeGreaterThan(gen);
      expect(heap.buffer.byteLength).toBeGreaterThanOrEqual(big + 300_000);
      expect(heap.stats().liveBlocks).toBe(3);
      expect(() => heap.alloc(64 * 65536)).toThrow(/out of memory/);
    });

    it(`re-derives buffer views after growth (${shared ? "shared" : "unshared"})`, () => {
      const heap = new Heap({ shared, initialPages: 2, maxPages: 256 });
      const buf = new CpuBuffer(heap, heap.alloc(16), "float32", 4);
      buf.data.set([1, 2, 3, 4]);
      heap.alloc(5 * 65536);
      expect(Array.from(buf.data)).toEqual([1, 2, 3, 4]);
      buf.release();
      expect(heap.stats().liveBlocks).toBe(1);
    });
  }

  it("moves a JavaScript-side buffer into the heap once", () => {
    const heap = new Heap({ shared: false, initialPages: 2 });
    const buf = new CpuBuffer(heap, -1, "int32", 3, new Int32Array([7, 8, 9]));
    expect(buf.inHeap).toBe(false);
    buf.toHeap();
    expect(buf.inHeap).toBe(true);
    const ptr = buf.ptr;
    buf.toHeap();
    expect(buf.ptr).toBe(ptr);
    expect(Array.from(new Int32Array(heap.buffer, ptr, 3))).toEqual([7, 8, 9]);
  });
});

describe("Heap in debug mode", () => {
  it("poisons freed blocks and never hands them out again, so a use-after-free reads NaN", () => {
    const heap = new Heap({ shared: false, initialPages: 2, debug: true });
    const a = heap.alloc(64);
    heap.f32(a, 16).fill(1);
    heap.free(a);
    expect(heap.isLive(a)).toBe(false);
    expect(Array.from(heap.f32(a, 16)).every(Number.isNaN)).toBe(true);
    const b = heap.alloc(64);
    expect(b).not.toBe(a);
    expect(heap.isLive(b)).toBe(true);
  });

  it("a released buffer throws when it is used again", () => {
    const heap = new Heap({ shared: false, initialPages: 2 });
    const buf = new CpuBuffer(heap, heap.alloc(16), "float32", 4);
    buf.release();
    expect(() => buf.data).toThrow(/after release/);
    expect(() => buf.toHeap()).toThrow(/after release/);
  });
});
