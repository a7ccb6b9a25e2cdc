/**
 * A small WebAssembly binary emitter: a module builder (types, one imported memory, functions,
 * exports) and a function builder that writes instructions by name, with structured control flow
 * whose branch targets are label objects rather than depths. Kernels describe their loops with it
 * at run time; nothing here knows about any particular kernel.
 */

export type ValType = "i32" | "i64" | "f32" | "f64" | "v128";

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Opcodes without immediates: one byte, or the 0xfc/0xfd prefix followed by a LEB128 code. */
const PLAIN: Record<string, number | readonly [number, number]> = {
  unreachable: 0x00,
  nop: 0x01,
  return: 0x0f,
  drop: 0x1a,
  select: 0x1b,
  "i32.eqz": 0x45,
  "i32.eq": 0x46,
  "i32.ne": 0x47,
  "i32.lt_s": 0x48,
  "i32.lt_u": 0x49,
  "i32.gt_s": 0x4a,
  "i32.gt_u": 0x4b,
  "i32.le_s": 0x4c,
  "i32.le_u": 0x4d,
  "i32.ge_s": 0x4e,
  "i32.ge_u": 0x4f,
  "f32.eq": 0x5b,
  "f32.ne": 0x5c,
  "f32.lt": 0x5d,
  "f32.gt": 0x5e,
  "f32.le": 0x5f,
  "f32.ge": 0x60,
  "f64.eq": 0x61,
  "f64.ne": 0x62,
  "f64.lt": 0x63,
  "f64.gt": 0x64,
  "f64.le": 0x65,
  "f64.ge": 0x66,
  "i32.clz": 0x67,
  "i32.add": 0x6a,
  "i32.sub": 0x6b,
  "i32.mul": 0x6c,
  "i32.div_s": 0x6d,
  "i32.div_u": 0x6e,
  "i32.rem_s": 0x6f,
  "i32.rem_u": 0x70,
  "i32.and": 0x71,
  "i32.or": 0x72,
  "i32.xor": 0x73,
  "i32.shl": 0x74,
  "i32.shr_s": 0x75,
  "i32.shr_u": 0x76,
  "f32.abs": 0x8b,
  "f32.neg": 0x8c,
  "f32.ceil": 0x8d,
  "f32.floor": 0x8e,
  "f32.trunc": 0x8f,
  "f32.nearest": 0x90,
  "f32.sqrt": 0x91,
  "f32.add": 0x92,
  "f32.sub": 0x93,
  "f32.mul": 0x94,
  "f32.div": 0x95,
  "f32.min": 0x96,
  "f32.max": 0x97,
  "f32.copysign": 0x98,
  "f64.abs": 0x99,
  "f64.neg": 0x9a,
  "f64.ceil": 0x9b,
  "f64.floor": 0x9c,
  "f64.trunc": 0x9d,
  "f64.nearest": 0x9e,
  "f64.sqrt": 0x9f,
  "f64.add": 0xa0,
  "f64.sub": 0xa1,
  "f64.mul": 0xa2,
  "f64.div": 0xa3,
  "f64.min": 0xa4,
  "f64.max": 0xa5,
  "i32.trunc_f32_s": 0xa8,
  "i32.trunc_f64_s": 0xaa,
  "f32.convert_i32_s": 0xb2,
  "f32.demote_f64": 0xb6,
  "f64.convert_i32_s": 0xb7,
  "f64.promote_f32": 0xbb,
  "i32.reinterpret_f32": 0xbc,
  "f32.reinterpret_i32": 0xbe,
  "i32.trunc_sat_f32_s": [0xfc, 0],
  "i32.trunc_sat_f64_s": [0xfc, 2],
  "i8x16.swizzle": [0xfd, 0x0e],
  "i8x16.splat": [0xfd, 0x0f],
  "i32x4.splat": [0xfd, 0x11],
  "i64x2.splat": [0xfd, 0x12],
  "f32x4.splat": [0xfd, 0x13],
  "f64x2.splat": [0xfd, 0x14],
  "i8x16.eq": [0xfd, 0x23],
  "i8x16.ne": [0xfd, 0x24],
  "i32x4.eq": [0xfd, 0x37],
  "i32x4.ne": [0xfd, 0x38],
  "i32x4.lt_s": [0xfd, 0x39],
  "i32x4.lt_u": [0xfd, 0x3a],
  "i32x4.gt_s": [0xfd, 0x3b],
  "i32x4.gt_u": [0xfd, 0x3c],
  "i32x4.le_s": [0xfd, 0x3d],
  "i32x4.le_u": [0xfd, 0x3e],
  "i32x4.ge_s": [0xfd, 0x3f],
  "i32x4.ge_u": [0xfd, 0x40],
  "f32x4.eq": [0xfd, 0x41],
  "f32x4.ne": [0xfd, 0x42],
  "f32x4.lt": [0xfd, 0x43],
  "f32x4.gt": [0xfd, 0x44],
  "f32x4.le": [0xfd, 0x45],
  "f32x4.ge": [0xfd, 0x46],
  "f64x2.eq": [0xfd, 0x47],
  "f64x2.ne": [0xfd, 0x48],
  "f64x2.lt": [0xfd, 0x49],
  "f64x2.gt": [0xfd, 0x4a],
  "f64x2.le": [0xfd, 0x4b],
  "f64x2.ge": [0xfd, 0x4c],
  "v128.not": [0xfd, 0x4d],
  "v128.and": [0xfd, 0x4e],
  "v128.andnot": [0xfd, 0x4f],
  "v128.or": [0xfd, 0x50],
  "v128.xor": [0xfd, 0x51],
  "v128.bitselect": [0xfd, 0x52],
  "v128.any_true": [0xfd, 0x53],
  "f32x4.demote_f64x2_zero": [0xfd, 0x5e],
  "f64x2.promote_low_f32x4": [0xfd, 0x5f],
  "i8x16.narrow_i16x8_s": [0xfd, 0x65],
  "f32x4.ceil": [0xfd, 0x67],
  "f32x4.floor": [0xfd, 0x68],
  "f32x4.trunc": [0xfd, 0x69],
  "f32x4.nearest": [0xfd, 0x6a],
  "f64x2.ceil": [0xfd, 0x74],
  "f64x2.floor": [0xfd, 0x75],
  "f64x2.trunc": [0xfd, 0x7a],
  "f64x2.nearest": [0xfd, 0x94],
  "i16x8.narrow_i32x4_s": [0xfd, 0x85],
  "i16x8.extend_low_i8x16_s": [0xfd, 0x87],
  "i16x8.extend_high_i8x16_s": [0xfd, 0x88],
  "i32x4.abs": [0xfd, 0xa0],
  "i32x4.neg": [0xfd, 0xa1],
  "i32x4.all_true": [0xfd, 0xa3],
  "i32x4.bitmask": [0xfd, 0xa4],
  "i32x4.extend_low_i16x8_s": [0xfd, 0xa7],
  "i32x4.extend_high_i16x8_s": [0xfd, 0xa8],
  "i32x4.shl": [0xfd, 0xab],
  "i32x4.shr_s": [0xfd, 0xac],
  "i32x4.shr_u": [0xfd, 0xad],
  "i32x4.add": [0xfd, 0xae],
  "i32x4.sub": [0xfd, 0xb1],
  "i32x4.mul": [0xfd, 0xb5],
  "i32x4.min_s": [0xfd, 0xb6],
  "i32x4.max_s": [0xfd, 0xb8],
  "i64x2.add": [0xfd, 0xce],
  "i64x2.eq": [0xfd, 0xd6],
  "i64x2.extmul_low_i32x4_u": [0xfd, 0xde],
  "i64x2.extmul_high_i32x4_u": [0xfd, 0xdf],
  "f32x4.abs": [0xfd, 0xe0],
  "f32x4.neg": [0xfd, 0xe1],
  "f32x4.sqrt": [0xfd, 0xe3],
  "f32x4.add": [0xfd, 0xe4],
  "f32x4.sub": [0xfd, 0xe5],
  "f32x4.mul": [0xfd, 0xe6],
  "f32x4.div": [0xfd, 0xe7],
  "f32x4.min": [0xfd, 0xe8],
  "f32x4.max": [0xfd, 0xe9],
  "f32x4.pmin": [0xfd, 0xea],
  "f32x4.pmax": [0xfd, 0xeb],
  "f64x2.abs": [0xfd, 0xec],
  "f64x2.neg": [0xfd, 0xed],
  "f64x2.sqrt": [0xfd, 0xef],
  "f64x2.add": [0xfd, 0xf0],
  "f64x2.sub": [0xfd, 0xf1],
  "f64x2.mul": [0xfd, 0xf2],
  "f64x2.div": [0xfd, 0xf3],
  "f64x2.min": [0xfd, 0xf4],
  "f64x2.max": [0xfd, 0xf5],
  "f64x2.pmin": [0xfd, 0xf6],
  "f64x2.pmax": [0xfd, 0xf7],
  "i32x4.trunc_sat_f32x4_s": [0xfd, 0xf8],
  "f32x4.convert_i32x4_s": [0xfd, 0xfa],
  "i32x4.trunc_sat_f64x2_s_zero": [0xfd, 0xfc],
  "f64x2.convert_low_i32x4_s": [0xfd, 0xfe],
  // relaxed SIMD: only emitted where the feature probe found it
  "f32x4.relaxed_madd": [0xfd, 0x105],
  "f32x4.relaxed_nmadd": [0xfd, 0x106],
  "f64x2.relaxed_madd": [0xfd, 0x107],
  "f64x2.relaxed_nmadd": [0xfd, 0x108],
};

export type PlainOp = keyof typeof PLAIN;

/** Loads and stores: [prefix?, opcode, natural alignment log2]. */
const MEMORY: Record<string, readonly [number, number, number]> = {
  "i32.load": [0, 0x28, 2],
  "f32.load": [0, 0x2a, 2],
  "i64.load": [0, 0x29, 3],
  "f64.load": [0, 0x2b, 3],
  "i32.load8_u": [0, 0x2d, 0],
  "i32.store": [0, 0x36, 2],
  "f32.store": [0, 0x38, 2],
  "i64.store": [0, 0x37, 3],
  "f64.store": [0, 0x39, 3],
  "i32.store8": [0, 0x3a, 0],
  "v128.load": [0xfd, 0x00, 4],
  "v128.load8_splat": [0xfd, 0x07, 0],
  "v128.load32_splat": [0xfd, 0x09, 2],
  "v128.load64_splat": [0xfd, 0x0a, 3],
  "v128.store": [0xfd, 0x0b, 4],
  "v128.load32_zero": [0xfd, 0x5c, 2],
  "v128.load64_zero": [0xfd, 0x5d, 3],
  "i32.atomic.load": [0xfe, 0x10, 2],
  "i32.atomic.store": [0xfe, 0x17, 2],
  "i32.atomic.rmw.add": [0xfe, 0x1e, 2],
};

export type MemoryOp = keyof typeof MEMORY;

const LANE: Record<string, number> = {
  "i32x4.extract_lane": 0x1b,
  "i32x4.replace_lane": 0x1c,
  "f32x4.extract_lane": 0x1f,
  "f32x4.replace_lane": 0x20,
  "f64x2.extract_lane": 0x21,
  "f64x2.replace_lane": 0x22,
};

export type LaneOp = keyof typeof LANE;

/** A growable byte sink with LEB128 helpers. */
export class ByteWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  byte(b: number): this {
    if (this.#len === this.#buf.length) {
      const next = new Uint8Array(this.#buf.length * 2);
      next.set(this.#buf);
      this.#buf = next;
    }
    this.#buf[this.#len++] = b & 0xff;
    return this;
  }

  bytes(bs: ArrayLike<number>): this {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]);
    return this;
  }

  u32(v: number): this {
    v >>>= 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }

  s32(v: number): this {
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  f32(v: number): this {
    const t = new DataView(new ArrayBuffer(4));
    t.setFloat32(0, v, true);
    for (let i = 0; i < 4; i++) this.byte(t.getUint8(i));
    return this;
  }

  f64(v: number): this {
    const t = new DataView(new ArrayBuffer(8));
    t.setFloat64(0, v, true);
    for (let i = 0; i < 8; i++) this.byte(t.getUint8(i));
    return this;
  }

  name(s: string): this {
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    return this.bytes(b);
  }

  /** Appends another writer's bytes prefixed by their length (a section or a function body). */
  sized(w: ByteWriter): this {
    this.u32(w.length);
    return this.bytes(w.toBytes());
  }

  toBytes(): Uint8Array<ArrayBuffer> {
    return this.#buf.slice(0, this.#len);
  }
}

/** A local variable (parameters come first) of a function under construction. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/** A branch target: `br(label)` from inside the construct that made it. */
export interface Label {
  readonly id: number;
  readonly kind: "block" | "loop" | "if";
}

type BlockType = ValType | null;

/**
 * Writes one function body. Instructions are appended in stack order; the caller keeps the
 * operand stack balanced (WebAssembly validation reports any mistake when the module compiles).
 */
export class FunctionBuilder {
  readonly code = new ByteWriter();
  readonly #locals: ValType[] = [];
  readonly #params: readonly ValType[];
  readonly #labels: Label[] = [];
  #nextLabel = 0;

  constructor(params: readonly ValType[]) {
    this.#params = params;
  }

  /** The i-th parameter. */
  param(i: number): Local {
    if (i < 0 || i >= this.#params.length) throw new RangeError(`param ${i} out of range`);
    return { index: i, type: this.#params[i] };
  }

  /** A fresh local of `type`. */
  local(type: ValType): Local {
    this.#locals.push(type);
    return { index: this.#params.length + this.#locals.length - 1, type };
  }

  /** Local declarations, grouped by runs of one type. */
  encodeLocals(w: ByteWriter): void {
    const runs: [number, ValType][] = [];
    for (const t of this.#locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    w.u32(runs.length);
    for (const [n, t] of runs) w.u32(n).byte(VALTYPE[t]);
  }

  op(name: PlainOp): this {
    const code = PLAIN[name];
    if (code === undefined) throw new Error(`emitter: unknown instruction ${name}`);
    if (typeof code === "number") this.code.byte(code);
    else this.code.byte(code[0]).u32(code[1]);
    return this;
  }

  /** Several plain instructions in a row. */
  ops(...names: PlainOp[]): this {
    for (const n of names) this.op(n);
    return this;
  }

  get(l: Local): this {
    this.code.byte(0x20).u32(l.index);
    return this;
  }

  set(l: Local): this {
    this.code.byte(0x21).u32(l.index);
    return this;
  }

  tee(l: Local): this {
    this.code.byte(0x22).u32(l.index);
    return this;
  }

  i32(v: number): this {
    this.code.byte(0x41).s32(v);
    return this;
  }

  f32(v: number): this {
    this.code.byte(0x43).f32(v);
    return this;
  }

  f64(v: number): this {
    this.code.byte(0x44).f64(v);
    return this;
  }

  /** v128.const from 16 bytes. */
  v128(bytes: ArrayLike<number>): this {
    if (bytes.length !== 16) throw new RangeError("v128 constant needs 16 bytes");
    this.code.byte(0xfd).u32(0x0c).bytes(bytes);
    return this;
  }

  /** A v128 with `v` in every f32 lane. */
  f32x4(v: number): this {
    return this.v128(new Uint8Array(new Float32Array([v, v, v, v]).buffer));
  }

  /** A v128 with `v` in every i32 lane. */
  i32x4(v: number): this {
    return this.v128(new Uint8Array(new Int32Array([v, v, v, v]).buffer));
  }

  f64x2(v: number): this {
    return this.v128(new Uint8Array(new Float64Array([v, v]).buffer));
  }

  /** A load or store; `offset` is the constant byte offset added to the address operand. */
  mem(name: MemoryOp, offset = 0, alignLog2?: number): this {
    const m = MEMORY[name];
    if (!m) throw new Error(`emitter: unknown memory instruction ${name}`);
    if (m[0] !== 0) this.code.byte(m[0]).u32(m[1]);
    else this.code.byte(m[1]);
    this.code.u32(alignLog2 ?? m[2]).u32(offset);
    return this;
  }

  lane(name: LaneOp, lane: number): this {
    this.code.byte(0xfd).u32(LANE[name]).byte(lane);
    return this;
  }

  /** i8x16.shuffle with 16 lane indices into the concatenation of the two operands. */
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) throw new RangeError("shuffle needs 16 lane indices");
    this.code.byte(0xfd).u32(0x0d).bytes(lanes);
    return this;
  }

  call(funcIndex: number): this {
    this.code.byte(0x10).u32(funcIndex);
    return this;
  }

  /** memory.atomic.notify / wait32 with their natural alignment. */
  atomicNotify(offset = 0): this {
    this.code.byte(0xfe).u32(0x00).u32(2).u32(offset);
    return this;
  }

  atomicWait32(offset = 0): this {
    this.code.byte(0xfe).u32(0x01).u32(2).u32(offset);
    return this;
  }

  memoryCopy(): this {
    this.code.byte(0xfc).u32(10).byte(0).byte(0);
    return this;
  }

  memoryFill(): this {
    this.code.byte(0xfc).u32(11).byte(0);
    return this;
  }

  #open(kind: Label["kind"], opcode: number, type: BlockType): Label {
    this.code.byte(opcode).byte(type === null ? 0x40 : VALTYPE[type]);
    const label = { id: this.#nextLabel++, kind };
    this.#labels.push(label);
    return label;
  }

  #close(label: Label): void {
    const top = this.#labels.pop();
    if (top !== label) throw new Error("emitter: blocks closed out of order");
    this.code.byte(0x0b);
  }

  #depth(label: Label): number {
    const i = this.#labels.lastIndexOf(label);
    if (i < 0) throw new Error("emitter: branch to a label that is not open");
    return this.#labels.length - 1 - i;
  }

  block(body: (end: Label) => void, type: BlockType = null): this {
    const l = this.#open("block", 0x02, type);
    body(l);
    this.#close(l);
    return this;
  }

  loop(body: (start: Label) => void, type: BlockType = null): this {
    const l = this.#open("loop", 0x03, type);
    body(l);
    this.#close(l);
    return this;
  }

  /** if … else … end on the i32 condition already on the stack. */
  if(then: (end: Label) => void, otherwise?: (end: Label) => void, type: BlockType = null): this {
    const l = this.#open("if", 0x04, type);
    then(l);
    if (otherwise) {
      this.code.byte(0x05);
      otherwise(l);
    }
    this.#close(l);
    return this;
  }

  br(label: Label): this {
    this.code.byte(0x0c).u32(this.#depth(label));
    return this;
  }

  brIf(label: Label): this {
    this.code.byte(0x0d).u32(this.#depth(label));
    return this;
  }

  /**
   * for (i = start; i < end; i += step) body — `start`, `end` push an i32; the test is signed and
   * done before the first pass, so an empty range runs nothing.
   */
  for(i: Local, start: () => void, end: () => void, step: number, body: (brk: Label) => void): this {
    start();
    this.set(i);
    return this.block((brk) => {
      this.get(i);
      end();
      this.op("i32.ge_s").brIf(brk);
      this.loop((top) => {
        body(brk);
        this.get(i).i32(step).op("i32.add").tee(i);
        end();
        this.op("i32.lt_s").brIf(top);
      });
    });
  }

  /** local += delta (i32). */
  inc(l: Local, delta: number | Local): this {
    this.get(l);
    if (typeof delta === "number") this.i32(delta);
    else this.get(delta);
    return this.op("i32.add").set(l);
  }

  finish(): void {
    if (this.#labels.length !== 0) throw new Error("emitter: unclosed block");
    this.code.byte(0x0b);
  }
}

interface FuncDef {
  readonly name: string | null;
  readonly typeIndex: number;
  readonly body: FunctionBuilder;
}

export interface MemoryImport {
  readonly module: string;
  readonly name: string;
  readonly initial: number;
  readonly maximum?: number;
  readonly shared?: boolean;
}

/** Builds one module: types are deduplicated, functions are exported under their names. */
export class ModuleBuilder {
  readonly #types: string[] = [];
  readonly #typeDefs: [readonly ValType[], readonly ValType[]][] = [];
  readonly #funcs: FuncDef[] = [];
  #memory: MemoryImport | null = null;

  importMemory(m: MemoryImport): this {
    this.#memory = m;
    return this;
  }

  #typeIndex(params: readonly ValType[], results: readonly ValType[]): number {
    const key = `${params.join(",")}->${results.join(",")}`;
    let i = this.#types.indexOf(key);
    if (i < 0) {
      i = this.#types.length;
      this.#types.push(key);
      this.#typeDefs.push([params, results]);
    }
    return i;
  }

  /** The index a function added next will get (for calls between functions of the module). */
  get nextFunctionIndex(): number {
    return this.#funcs.length;
  }

  /**
   * Adds a function; `name` null keeps it internal. Returns its index for `call`.
   * `body` writes the instructions; the final `end` is added here.
   */
  function(
    name: string | null,
    params: readonly ValType[],
    results: readonly ValType[],
    body: (f: FunctionBuilder) => void,
  ): number {
    const f = new FunctionBuilder(params);
    body(f);
    f.finish();
    this.#funcs.push({ name, typeIndex: this.#typeIndex(params, results), body: f });
    return this.#funcs.length - 1;
  }

  toBytes(): Uint8Array<ArrayBuffer> {
    const out = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = (id: number, w: ByteWriter) => out.byte(id).sized(w);

    const types = new ByteWriter().u32(this.#typeDefs.length);
    for (const [p, r] of this.#typeDefs) {
      types.byte(0x60).u32(p.length);
      for (const t of p) types.byte(VALTYPE[t]);
      types.u32(r.length);
      for (const t of r) types.byte(VALTYPE[t]);
    }
    section(1, types);

    if (this.#memory) {
      const m = this.#memory;
      const imports = new ByteWriter().u32(1).name(m.module).name(m.name).byte(0x02);
      const flags = (m.maximum !== undefined ? 1 : 0) | (m.shared ? 2 : 0);
      imports.byte(flags).u32(m.initial);
      if (m.maximum !== undefined) imports.u32(m.maximum);
      section(2, imports);
    }

    const funcs = new ByteWriter().u32(this.#funcs.length);
    for (const f of this.#funcs) funcs.u32(f.typeIndex);
    section(3, funcs);

    const named = this.#funcs.map((f, i) => [f.name, i] as const).filter(([n]) => n !== null);
    const exports = new ByteWriter().u32(named.length);
    for (const [n, i] of named)
      exports
        .name(n as string)
        .byte(0x00)
        .u32(i);
    section(7, exports);

    const code = new ByteWriter().u32(this.#funcs.length);
    for (const f of this.#funcs) {
      const body = new ByteWriter();
      f.body.encodeLocals(body);
      body.bytes(f.body.code.toBytes());
      code.sized(body);
    }
    section(10, code);
    return out.toBytes();
  }
}
