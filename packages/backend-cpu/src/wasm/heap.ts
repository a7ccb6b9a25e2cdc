import type { DType, TypedArray } from "@axon/core";

const PAGE = 65536;

/** `AXON_HEAP_DEBUG=1` in the environment turns on `HeapOptions.debug` for every heap. */
const DEBUG_ENV =
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.AXON_HEAP_DEBUG ===
  "1";
/** Every block starts on a cache line. */
export const ALIGN = 64;
/** The first page is kept for the thread pool's control words and never handed out. */
export const RESERVED = PAGE;

type ViewCtor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | Uint8ArrayConstructor;

const CTOR: Record<DType, ViewCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

export interface HeapOptions {
  /** Shared memory (needed by the worker pool). */
  readonly shared: boolean;
  /** Largest size in 64 KiB pages (65536 = 4 GiB). */
  readonly maxPages?: number;
  readonly initialPages?: number;
  /**
   * Debugging use-after-free: freed blocks are filled with NaN and never handed out again, so a
   * buffer read after its release sees NaN instead of another tensor's data (default: the
   * `AXON_HEAP_DEBUG=1` environment variable).
   */
  readonly debug?: boolean;
}

/**
 * The byte size a request is rounded up to: multiples of 64 bytes up to 1 KiB, then four classes
 * per power of two, so a block wastes at most a fifth of itself and freed blocks are found again
 * by exact class.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 1024) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2);
  return Math.ceil(bytes / step) * step;
}

/**
 * One WebAssembly.Memory and an allocator over it: size classes with free lists and a bump pointer
 * that grows the memory when it runs out. Growth replaces (non-shared) or extends (shared)
 * `memory.buffer`; `generation` counts growths so that views can be re-derived.
 */
export class Heap {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  readonly maxPages: number;
  readonly debug: boolean;
  #top = RESERVED;
  #free = new Map<number, number[]>();
  /** Live blocks: address → class size. */
  #live = new Map<number, number>();
  #liveBytes = 0;
  #peakBytes = 0;
  #generation = 0;
  #buffer: ArrayBuffer | SharedArrayBuffer;
  /** Buffers copied in from JavaScript arrays by `CpuBuffer.toHeap` (kernel inputs that were not in the heap). */
  migrations = 0;
  migratedBytes = 0;

  constructor(options: HeapOptions) {
    this.shared = options.shared;
    this.maxPages = options.maxPages ?? 65536;
    this.debug = options.debug ?? DEBUG_ENV;
    this.memory = new WebAssembly.Memory({
      initial: options.initialPages ?? 256,
      maximum: this.maxPages,
      shared: options.shared,
    });
    this.#buffer = this.memory.buffer;
  }

  /** Incremented each time the memory grows. */
  get generation(): number {
    return this.#generation;
  }

  /** The memory's current buffer (re-read after growth). */
  get buffer(): ArrayBuffer | SharedArrayBuffer {
    return this.#buffer;
  }

  /** A block of at least `bytes` bytes on a 64-byte boundary; its contents are not cleared. */
  alloc(bytes: number): number {
    let size = sizeClass(bytes);
    let ptr = this.debug ? undefined : this.#free.get(size)?.pop();
    if (ptr === undefined) [ptr, size] = this.#bump(size);
    this.#live.set(ptr, size);
    this.#liveBytes += size;
    if (this.#liveBytes > this.#peakBytes) this.#peakBytes = this.#liveBytes;
    return ptr;
  }

  /** A block whose first `bytes` bytes are zero. */
  calloc(bytes: number): number {
    const ptr = this.alloc(bytes);
    new Uint8Array(this.#buffer, ptr, bytes).fill(0);
    return ptr;
  }

  /** Whether `ptr` is the address of a block that is allocated and not yet freed. */
  isLive(ptr: number): boolean {
    return this.#live.has(ptr);
  }

  free(ptr: number): void {
    const size = this.#live.get(ptr);
    if (size === undefined) throw new Error(`heap: free of a block that is not live (${ptr})`);
    this.#live.delete(ptr);
    this.#liveBytes -= size;
    if (this.debug) {
      new Float32Array(this.#buffer, ptr, size / 4).fill(Number.NaN);
      return;
    }
    let list = this.#free.get(size);
    if (!list) this.#free.set(size, (list = []));
    list.push(ptr);
  }

  #bump(size: number): [number, number] {
    const ptr = this.#top;
    const end = ptr + size;
    if (end > this.#buffer.byteLength) {
      const have = this.#buffer.byteLength / PAGE;
      const need = Math.ceil(end / PAGE);
      if (need > this.maxPages) {
        // Reuse a free block of a larger class before giving up.
        for (const [cls, list] of [...this.#free.entries()].sort((x, y) => x[0] - y[0])) {
          if (cls >= size && list.length > 0) return [list.pop()!, cls];
        }
        throw new RangeError(
          `heap: out of memory: ${size} more bytes needed, ${this.#liveBytes} live, limit ${this.maxPages * PAGE}`,
        );
      }
      const grow = Math.min(this.maxPages, Math.max(need, have + (have >> 1))) - have;
      this.memory.grow(grow);
      this.#buffer = this.memory.buffer;
      this.#generation++;
    }
    this.#top = end;
    return [ptr, size];
  }

  /** A typed-array view of `length` elements of `dtype` at `ptr` on the current buffer. */
  view(dtype: DType, ptr: number, length: number): TypedArray {
    return new CTOR[dtype](this.#buffer as ArrayBuffer, ptr, length) as TypedArray;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.#buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.#buffer, ptr, length);
  }

  stats(): {
    liveBytes: number;
    peakBytes: number;
    heapBytes: number;
    liveBlocks: number;
    migrations: number;
    migratedBytes: number;
  } {
    return {
      liveBytes: this.#liveBytes,
      peakBytes: this.#peakBytes,
      heapBytes: this.#buffer.byteLength,
      liveBlocks: this.#live.size,
      migrations: this.migrations,
      migratedBytes: this.migratedBytes,
    };
  }
}

/** `CpuBuffer.ptr` after `release`. */
const RELEASED = -2;

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

export function bytesOf(dtype: DType, length: number): number {
  return BYTES[dtype] * length;
}

/**
 * The CPU backend's buffer: `length` elements of `dtype`, either in the heap (at `ptr`) or in an
 * ordinary typed array (the pure-JavaScript path, and outputs that a kernel made itself). `data` is a
 * view that is re-derived after the heap grows.
 */
export class CpuBuffer {
  #view: TypedArray;
  #generation: number;

  constructor(
    readonly heap: Heap | null,
    /** Byte address in the heap, or -1 for a JavaScript typed array. */
    public ptr: number,
    readonly dtype: DType,
    readonly length: number,
    js?: TypedArray,
  ) {
    if (heap && ptr >= 0) {
      this.#view = heap.view(dtype, ptr, length);
      this.#generation = heap.generation;
    } else {
      if (!js) throw new Error("CpuBuffer: a buffer outside the heap needs its typed array");
      this.#view = js;
      this.#generation = -1;
    }
  }

  get inHeap(): boolean {
    return this.ptr >= 0;
  }

  /** The elements (a view into the heap, valid until the next allocation that grows it). */
  get data(): TypedArray {
    const h = this.heap;
    if (this.ptr === RELEASED) throw new Error("CpuBuffer: used after release");
    if (h && this.ptr >= 0 && this.#generation !== h.generation) {
      this.#view = h.view(this.dtype, this.ptr, this.length);
      this.#generation = h.generation;
    }
    return this.#view;
  }

  /** Moves a JavaScript-side buffer into the heap (once; the contents are immutable). */
  toHeap(): void {
    const h = this.heap;
    if (this.ptr === RELEASED) throw new Error("CpuBuffer: used after release");
    if (!h || this.ptr >= 0) return;
    const src = this.#view;
    h.migrations++;
    h.migratedBytes += bytesOf(this.dtype, this.length);
    const ptr = h.alloc(Math.max(1, bytesOf(this.dtype, this.length)));
    const dst = h.view(this.dtype, ptr, this.length);
    dst.set(src);
    this.ptr = ptr;
    this.#view = dst;
    this.#generation = h.generation;
  }

  /** Returns the heap block, if any; the buffer must not be used afterwards. */
  release(): void {
    if (this.heap && this.ptr >= 0) this.heap.free(this.ptr);
    this.ptr = RELEASED;
  }
}
