import { BackendError, type DType, type TypedArray, typedArrayFor } from "@axon/core";
import { GLBuffer, TEXEL, type TexFormat, layoutOf } from "./buffer.ts";
import { ContextLostError, type GLContext } from "./context.ts";
import {
  type CompiledProgram,
  type PendingProgram,
  type ProgramSpec,
  finishProgram,
  fragmentSource,
  programReady,
  startProgram,
} from "./program.ts";
import { TexturePool } from "./textures.ts";

/** Buffers up to this many elements keep their host values after an upload or a readback. */
const HOST_CACHE_MAX = 1 << 16;

const PLACEHOLDER_READ =
  "webgl: this tensor was made inside compileAsync, which compiles the programs of a computation without running them: it has no values";

/** Counters for tests and `info()`. */
export interface GPGPUStats {
  draws: number;
  programsCompiled: number;
  uploads: number;
  readbacks: number;
  /** Primitives evaluated on the host (no draw). */
  hostRuns: number;
}

/**
 * The machinery under the kernels: uploads, draws into float/int textures, readback (sync via
 * readPixels, async via a pixel-pack buffer and a fence), the program cache and the texture pool.
 * In compile-only mode (`compileOnly`, set by `WebGLBackend.compileAsync`) `run` hands programs to
 * the driver without drawing, and `finishPending` waits for them (KHR_parallel_shader_compile).
 */
export class GPGPU {
  readonly gl: WebGL2RenderingContext;
  readonly pool: TexturePool;
  readonly stats: GPGPUStats = { draws: 0, programsCompiled: 0, uploads: 0, readbacks: 0, hostRuns: 0 };
  readonly #programs = new Map<string, CompiledProgram>();
  /** Programs handed to the driver by `compileAsync` and not yet checked, by source. */
  readonly #pending = new Map<string, PendingProgram>();
  /** While true, `run` starts compiling the program it would draw with and draws nothing. */
  compileOnly = false;
  readonly #dummies = new Map<TexFormat, WebGLTexture>();
  readonly #pendingReads = new Set<(e: Error) => void>();
  #lost = false;

  constructor(readonly ctx: GLContext) {
    this.gl = ctx.gl;
    this.pool = new TexturePool(ctx.gl);
    const canvas = ctx.canvas as EventTarget;
    canvas.addEventListener("webglcontextlost", (e) => {
      e.preventDefault();
      this.#markLost();
    });
  }

  get lost(): boolean {
    return this.#lost || this.gl.isContextLost();
  }

  #markLost(): void {
    if (this.#lost) return;
    this.#lost = true;
    const err = new ContextLostError(
      "webgl: the WebGL context was lost; tensors on the webgl backend are gone",
    );
    for (const reject of this.#pendingReads) reject(err);
    this.#pendingReads.clear();
  }

  /** Throws ContextLostError once the context is gone (called before any GL work). */
  check(op: string): void {
    if (this.lost) {
      this.#markLost();
      throw new ContextLostError(
        `webgl: ${op}: the WebGL context was lost; tensors on the webgl backend are gone`,
      );
    }
  }

  /** Throws a named error for arrays that do not fit in one texture. */
  checkSize(op: string, size: number): void {
    const max = this.ctx.maxTextureSize;
    const layout = layoutOf(size);
    if (layout.width > max || layout.height > max) {
      throw new BackendError(
        `webgl: ${op}: a tensor of ${size} elements does not fit in one texture (MAX_TEXTURE_SIZE ${max}: at most ${max * max * TEXEL} elements, ${TEXEL} a texel)`,
      );
    }
  }

  // ------------------------------------------------------------ buffers

  /** A buffer holding `values` on the host; uploaded when a kernel first reads it. */
  fromHost(values: TypedArray, dtype: DType): GLBuffer {
    this.checkSize("write", values.length);
    return new GLBuffer(values.length, dtype, values);
  }

  /** The texture of `buf`, uploading its host values the first time. */
  texture(buf: GLBuffer): WebGLTexture {
    if (buf.texture) return buf.texture;
    if (buf.freed) throw new BackendError("webgl: a kernel read a freed buffer");
    if (buf.placeholder) throw new BackendError(PLACEHOLDER_READ);
    const values = buf.values;
    if (!values) throw new BackendError("webgl: a buffer has neither a texture nor values");
    const gl = this.gl;
    const { width } = buf.layout;
    const tex = this.pool.acquire(buf.layout, buf.format);
    gl.bindTexture(gl.TEXTURE_2D, tex);
    const isFloat = buf.format === "float";
    // Four elements a texel: the last texel is padded with zeros when the size is not a multiple of 4.
    const texels = Math.ceil(buf.size / TEXEL);
    const padded = texels * TEXEL !== buf.size;
    let data: Float32Array | Int32Array;
    if (isFloat) {
      data = values instanceof Float32Array && !padded ? values : new Float32Array(texels * TEXEL);
      if (data !== values) data.set(values);
    } else {
      data = values instanceof Int32Array && !padded ? values : new Int32Array(texels * TEXEL);
      if (data !== values) data.set(values);
    }
    const format = isFloat ? gl.RGBA : gl.RGBA_INTEGER;
    const type = isFloat ? gl.FLOAT : gl.INT;
    const rows = Math.floor(texels / width);
    if (rows > 0) gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, rows, format, type, data, 0);
    const rest = texels - rows * width;
    if (rest > 0)
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, rows, rest, 1, format, type, data, rows * width * TEXEL);
    gl.bindTexture(gl.TEXTURE_2D, null);
    buf.texture = tex;
    if (buf.size > HOST_CACHE_MAX) buf.values = null;
    this.stats.uploads++;
    return tex;
  }

  free(buf: GLBuffer): void {
    if (buf.freed) return;
    buf.freed = true;
    buf.values = null;
    if (buf.texture && !this.lost) this.pool.release(buf.texture, buf.layout, buf.format);
    buf.texture = null;
  }

  // ------------------------------------------------------------ programs

  #dummy(format: TexFormat): WebGLTexture {
    let tex = this.#dummies.get(format);
    if (!tex) {
      tex = this.pool.acquire({ width: 1, height: 1, shift: 0 }, format);
      this.#dummies.set(format, tex);
    }
    return tex;
  }

  /** The program of `source`, compiled now (waiting for the driver) unless it already is. */
  #program(source: string): CompiledProgram {
    const p = this.#programs.get(source);
    if (p) return p;
    let pending = this.#pending.get(source);
    if (!pending) {
      pending = startProgram(this.gl, this.ctx.vertexShader, source);
      this.stats.programsCompiled++;
    }
    return this.#link(pending);
  }

  #link(pending: PendingProgram): CompiledProgram {
    this.#pending.delete(pending.source);
    const p = finishProgram(this.gl, pending);
    this.#programs.set(pending.source, p);
    return p;
  }

  /** Hands `source` to the driver without waiting (compile-only runs). */
  #startProgram(source: string): void {
    if (this.#programs.has(source) || this.#pending.has(source)) return;
    this.#pending.set(source, startProgram(this.gl, this.ctx.vertexShader, source));
    this.stats.programsCompiled++;
  }

  /** Programs compiled or being compiled. */
  get numPrograms(): number {
    return this.#programs.size + this.#pending.size;
  }

  /** Programs handed to the driver and not yet checked. */
  get numPendingPrograms(): number {
    return this.#pending.size;
  }

  /**
   * Waits for every program started by a compile-only run and checks it. With
   * KHR_parallel_shader_compile, programs are polled with COMPLETION_STATUS_KHR between tasks and
   * LINK_STATUS is only asked once they are done, so nothing blocks; without it, each LINK_STATUS
   * query may wait for the driver, and the event loop runs between programs.
   */
  async finishPending(): Promise<void> {
    let delay = 0;
    while (this.#pending.size > 0) {
      this.check("compileAsync");
      let finished = 0;
      for (const pending of [...this.#pending.values()]) {
        if (!programReady(this.gl, pending, this.ctx.completionStatus)) continue;
        this.#link(pending);
        finished++;
        if (this.ctx.completionStatus === null) break;
      }
      if (this.#pending.size === 0) break;
      delay = finished > 0 ? 0 : Math.min(delay + 1, 16);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    this.check("compileAsync");
  }

  /** Runs one kernel program into a new buffer of `size` elements of `spec.outDType`. */
  run(spec: ProgramSpec, size: number): GLBuffer {
    this.check("run");
    this.checkSize("run", size);
    // An empty result has nothing to draw and counts as host values (no texture to wait for).
    if (size === 0) return new GLBuffer(0, spec.outDType, typedArrayFor(spec.outDType, 0));
    const out = new GLBuffer(size, spec.outDType, null);
    if (spec.inputs.length > this.ctx.maxTextureUnits) {
      throw new BackendError(
        `webgl: a kernel needs ${spec.inputs.length} textures, more than the ${this.ctx.maxTextureUnits} units`,
      );
    }
    const gl = this.gl;
    const source = fragmentSource(spec);
    if (this.compileOnly) {
      this.#startProgram(source);
      out.placeholder = true;
      return out;
    }
    const prog = this.#program(source);
    const textures = spec.inputs.map((b) => (b.size === 0 ? this.#dummy(b.format) : this.texture(b)));
    out.texture = this.pool.acquire(out.layout, out.format);
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.ctx.framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, out.texture, 0);
    gl.viewport(0, 0, out.layout.width, out.layout.height);
    gl.useProgram(prog.program);
    const loc = (name: string) => {
      let l = prog.locations.get(name);
      if (l === undefined) {
        l = gl.getUniformLocation(prog.program, name);
        prog.locations.set(name, l);
      }
      return l;
    };
    spec.inputs.forEach((b, k) => {
      gl.activeTexture(gl.TEXTURE0 + k);
      gl.bindTexture(gl.TEXTURE_2D, textures[k]);
      gl.uniform1i(loc(`x${k}`), k);
      gl.uniform1i(loc(`x${k}_mask`), b.layout.width - 1);
      gl.uniform1i(loc(`x${k}_shift`), b.layout.shift);
    });
    gl.uniform1i(loc("u_outShift"), out.layout.shift);
    gl.uniform1i(loc("u_outSize"), size);
    const one = loc("ax_one");
    if (one !== null) gl.uniform1f(one, 1);
    const zero = loc("ax_zero");
    if (zero !== null) gl.uniform1ui(zero, 0);
    for (const u of spec.uniforms ?? []) {
      const l = loc(Array.isArray(u.value) ? `${u.name}[0]` : u.name);
      if (l === null) continue; // declared but unused: the compiler removed it
      const v = u.value;
      if (Array.isArray(v)) {
        if (v.length === 0) continue;
        if (u.type === "int") gl.uniform1iv(l, v);
        else if (u.type === "uint") gl.uniform1uiv(l, v);
        else gl.uniform1fv(l, v);
      } else if (u.type === "int") gl.uniform1i(l, v as number);
      else if (u.type === "uint") gl.uniform1ui(l, v as number);
      else gl.uniform1f(l, v as number);
    }
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    this.stats.draws++;
    for (let k = 0; k < spec.inputs.length; k++) {
      gl.activeTexture(gl.TEXTURE0 + k);
      gl.bindTexture(gl.TEXTURE_2D, null);
    }
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
    return out;
  }

  // ------------------------------------------------------------ readback

  /** RGBA/FLOAT and RGBA_INTEGER/INT: the read formats every WebGL2 implementation supports. */
  #readFormat(format: TexFormat): { format: number; type: number; components: number } {
    const gl = this.gl;
    return format === "float"
      ? { format: gl.RGBA, type: gl.FLOAT, components: TEXEL }
      : { format: gl.RGBA_INTEGER, type: gl.INT, components: TEXEL };
  }

  /** Attaches `buf`'s texture for reading and returns how to read it. */
  #bindForRead(buf: GLBuffer): { format: number; type: number; components: number } {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.ctx.framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.texture(buf), 0);
    return this.#readFormat(buf.format);
  }

  /** Copies the first `size` elements of raw texels (four elements each) into a new array of `dtype`. */
  #finish(buf: GLBuffer, raw: Float32Array | Int32Array, dtype: DType): TypedArray {
    const out = typedArrayFor(dtype, buf.size);
    if (out.constructor === raw.constructor)
      (out as Float32Array).set(raw.subarray(0, buf.size) as Float32Array);
    else for (let i = 0; i < buf.size; i++) out[i] = raw[i];
    if (buf.size <= HOST_CACHE_MAX && !buf.freed) buf.values = out.slice();
    this.stats.readbacks++;
    return out;
  }

  #hostCopy(buf: GLBuffer, dtype: DType): TypedArray {
    const out = typedArrayFor(dtype, buf.size);
    const v = buf.values as TypedArray;
    if (out.constructor === v.constructor) (out as Float32Array).set(v as Float32Array);
    else for (let i = 0; i < buf.size; i++) out[i] = v[i];
    return out;
  }

  /** Zeros while compiling only (nothing was computed, and kernels that read indices go on); an error after. */
  #placeholderValues(buf: GLBuffer, dtype: DType): TypedArray {
    if (!this.compileOnly) throw new BackendError(PLACEHOLDER_READ);
    return typedArrayFor(dtype, buf.size);
  }

  readSync(buf: GLBuffer, dtype: DType): TypedArray {
    // After a context loss every tensor of the backend is gone, host copies included.
    this.check("readSync");
    if (buf.values) return this.#hostCopy(buf, dtype);
    if (buf.placeholder) return this.#placeholderValues(buf, dtype);
    if (buf.size === 0) return typedArrayFor(dtype, 0);
    const gl = this.gl;
    const { width, height } = buf.layout;
    const f = this.#bindForRead(buf);
    const raw =
      f.type === gl.FLOAT
        ? new Float32Array(width * height * f.components)
        : new Int32Array(width * height * f.components);
    gl.readPixels(0, 0, width, height, f.format, f.type, raw);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
    return this.#finish(buf, raw, dtype);
  }

  /**
   * Reads without blocking: readPixels into a pixel-pack buffer, a fence, and polling until the GPU
   * has passed it. Concurrent reads of one buffer share one transfer.
   */
  read(buf: GLBuffer, dtype: DType): Promise<TypedArray> {
    try {
      this.check("read");
    } catch (e) {
      return Promise.reject(e);
    }
    if (buf.values) return Promise.resolve(this.#hostCopy(buf, dtype));
    if (buf.placeholder) {
      try {
        return Promise.resolve(this.#placeholderValues(buf, dtype));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    if (buf.size === 0) return Promise.resolve(typedArrayFor(dtype, 0));
    if (!buf.pendingRead) {
      const pending = this.#readAsync(buf);
      buf.pendingRead = pending;
      const clear = () => {
        if (buf.pendingRead === pending) buf.pendingRead = null;
      };
      pending.then(clear, clear);
    }
    return buf.pendingRead.then((raw) => {
      const out = typedArrayFor(dtype, buf.size);
      for (let i = 0; i < buf.size; i++) out[i] = raw[i];
      return out;
    });
  }

  #readAsync(buf: GLBuffer): Promise<TypedArray> {
    const gl = this.gl;
    const { width, height } = buf.layout;
    const f = this.#bindForRead(buf);
    const bytes = width * height * f.components * 4;
    const pbo = gl.createBuffer();
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, pbo);
    gl.bufferData(gl.PIXEL_PACK_BUFFER, bytes, gl.STREAM_READ);
    gl.readPixels(0, 0, width, height, f.format, f.type, 0);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
    const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    gl.flush();
    return new Promise<TypedArray>((resolve, reject) => {
      const done = (e?: Error) => {
        this.#pendingReads.delete(fail);
        if (sync && !this.lost) gl.deleteSync(sync);
        if (!this.lost) gl.deleteBuffer(pbo);
        if (e) reject(e);
      };
      const fail = (e: Error) => done(e);
      this.#pendingReads.add(fail);
      let delay = 0;
      const poll = () => {
        if (!this.#pendingReads.has(fail)) return;
        if (this.lost) return this.#markLost();
        const status = sync ? gl.clientWaitSync(sync, 0, 0) : gl.ALREADY_SIGNALED;
        if (status === gl.WAIT_FAILED) return done(new BackendError("webgl: waiting for a readback failed"));
        if (status === gl.TIMEOUT_EXPIRED) {
          delay = Math.min(delay + 1, 16);
          setTimeout(poll, delay);
          return;
        }
        const raw =
          f.type === gl.FLOAT
            ? new Float32Array(width * height * f.components)
            : new Int32Array(width * height * f.components);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, pbo);
        gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, raw);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
        done();
        resolve(this.#finish(buf, raw, buf.dtype));
      };
      setTimeout(poll, 0);
    });
  }

  dispose(): void {
    if (!this.lost) {
      for (const p of this.#programs.values()) this.gl.deleteProgram(p.program);
      for (const p of this.#pending.values()) {
        this.gl.deleteProgram(p.program);
        this.gl.deleteShader(p.shader);
      }
      this.pool.dispose();
    }
    this.#programs.clear();
    this.#pending.clear();
  }
}
