import { BackendError } from "@axon/core";
import { type TexFormat, type TexLayout, layoutBytes } from "./buffer.ts";

/**
 * Textures by size and format: a freed tensor's texture goes back here and the next tensor of the
 * same layout takes it, so a training step allocates nothing after the first. Pooled textures
 * above `capBytes` are deleted.
 */
export class TexturePool {
  readonly #free = new Map<string, WebGLTexture[]>();
  #pooledBytes = 0;
  /** Textures that exist (in use or pooled) and their bytes. */
  numTextures = 0;
  numBytes = 0;

  constructor(
    private readonly gl: WebGL2RenderingContext,
    private readonly capBytes = 256 * 2 ** 20,
  ) {}

  acquire(layout: TexLayout, format: TexFormat): WebGLTexture {
    const key = `${layout.width}x${layout.height}:${format}`;
    const list = this.#free.get(key);
    const reused = list?.pop();
    if (reused) {
      this.#pooledBytes -= layoutBytes(layout);
      return reused;
    }
    const gl = this.gl;
    const tex = gl.createTexture();
    if (!tex) throw new BackendError(`webgl: could not create a ${layout.width}x${layout.height} texture`);
    gl.bindTexture(gl.TEXTURE_2D, tex);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.texStorage2D(
      gl.TEXTURE_2D,
      1,
      format === "float" ? gl.RGBA32F : gl.RGBA32I,
      layout.width,
      layout.height,
    );
    gl.bindTexture(gl.TEXTURE_2D, null);
    this.numTextures++;
    this.numBytes += layoutBytes(layout);
    return tex;
  }

  release(tex: WebGLTexture, layout: TexLayout, format: TexFormat): void {
    const bytes = layoutBytes(layout);
    if (this.#pooledBytes + bytes > this.capBytes) {
      this.gl.deleteTexture(tex);
      this.numTextures--;
      this.numBytes -= bytes;
      return;
    }
    const key = `${layout.width}x${layout.height}:${format}`;
    let list = this.#free.get(key);
    if (!list) this.#free.set(key, (list = []));
    list.push(tex);
    this.#pooledBytes += bytes;
  }

  /** Pooled (unused) textures. */
  get pooled(): number {
    let n = 0;
    for (const l of this.#free.values()) n += l.length;
    return n;
  }

  /** Bytes of the pooled (unused) textures. */
  get pooledBytes(): number {
    return this.#pooledBytes;
  }

  /** Deletes the pooled textures (textures still in use stay counted). */
  dispose(): void {
    for (const [key, list] of this.#free) {
      const [width, height] = key.split(":")[0].split("x").map(Number);
      for (const t of list) {
        this.gl.deleteTexture(t);
        this.numTextures--;
        this.numBytes -= layoutBytes({ width, height, shift: 0 });
      }
    }
    this.#free.clear();
    this.#pooledBytes = 0;
  }
}
