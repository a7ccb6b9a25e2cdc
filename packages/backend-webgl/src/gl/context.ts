import { BackendError } from "@axon/core";

/** The GL objects every kernel shares: one context, one framebuffer, one vertex shader. */
export interface GLContext {
  readonly gl: WebGL2RenderingContext;
  readonly canvas: OffscreenCanvas | HTMLCanvasElement;
  readonly maxTextureSize: number;
  readonly maxTextureUnits: number;
  readonly renderer: string;
  readonly vendor: string;
  readonly version: string;
  /** The framebuffer kernels render into and readback reads from. */
  readonly framebuffer: WebGLFramebuffer;
  /** The full-screen triangle (built from gl_VertexID, no attributes). */
  readonly vertexShader: WebGLShader;
  /**
   * KHR_parallel_shader_compile's COMPLETION_STATUS_KHR when the extension is present (programs
   * can be asked whether they are compiled without blocking), else null.
   */
  readonly completionStatus: number | null;
}

/** Raised by every call once the browser has taken the WebGL context away. */
export class ContextLostError extends BackendError {}

const ATTRIBUTES: WebGLContextAttributes = {
  alpha: false,
  depth: false,
  stencil: false,
  antialias: false,
  premultipliedAlpha: false,
  preserveDrawingBuffer: false,
  powerPreference: "high-performance",
  failIfMajorPerformanceCaveat: false,
};

const VERTEX_SHADER = `#version 300 es
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
`;

function makeCanvas(): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(1, 1);
  if (typeof document !== "undefined") return document.createElement("canvas");
  throw new BackendError("webgl: no OffscreenCanvas or document here; the WebGL backend runs in a browser");
}

/** True when a 1×1 texture of `internalFormat` is a complete framebuffer attachment. */
function renderable(gl: WebGL2RenderingContext, fb: WebGLFramebuffer, internalFormat: number): boolean {
  const tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.texStorage2D(gl.TEXTURE_2D, 1, internalFormat, 1, 1);
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
  const ok = gl.checkFramebufferStatus(gl.FRAMEBUFFER) === gl.FRAMEBUFFER_COMPLETE;
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
  gl.bindTexture(gl.TEXTURE_2D, null);
  gl.deleteTexture(tex);
  return ok;
}

/**
 * Creates the WebGL2 context the backend computes with, or throws a BackendError saying what is
 * missing: WebGL2 itself, EXT_color_buffer_float, or RGBA32F/RGBA32I render targets.
 */
export function createGLContext(): GLContext {
  const canvas = makeCanvas();
  const gl = canvas.getContext("webgl2", ATTRIBUTES) as WebGL2RenderingContext | null;
  if (!gl) throw new BackendError("webgl: WebGL2 is not available (getContext('webgl2') returned null)");
  if (!gl.getExtension("EXT_color_buffer_float")) {
    throw new BackendError(
      "webgl: the EXT_color_buffer_float extension is missing: float32 render targets are required",
    );
  }
  const framebuffer = gl.createFramebuffer();
  if (!framebuffer) throw new BackendError("webgl: could not create a framebuffer");
  for (const [name, format] of [
    ["RGBA32F", gl.RGBA32F],
    ["RGBA32I", gl.RGBA32I],
  ] as const) {
    if (!renderable(gl, framebuffer, format)) {
      throw new BackendError(
        `webgl: a 1x1 ${name} framebuffer is not complete: this GPU cannot render ${name} textures`,
      );
    }
  }
  const vertexShader = gl.createShader(gl.VERTEX_SHADER);
  if (!vertexShader) throw new BackendError("webgl: could not create a vertex shader");
  gl.shaderSource(vertexShader, VERTEX_SHADER);
  gl.compileShader(vertexShader);
  if (!gl.getShaderParameter(vertexShader, gl.COMPILE_STATUS) && !gl.isContextLost()) {
    throw new BackendError(`webgl: the vertex shader did not compile: ${gl.getShaderInfoLog(vertexShader)}`);
  }
  gl.disable(gl.DEPTH_TEST);
  gl.disable(gl.STENCIL_TEST);
  gl.disable(gl.BLEND);
  gl.disable(gl.DITHER);
  gl.disable(gl.SCISSOR_TEST);
  gl.disable(gl.CULL_FACE);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
  gl.pixelStorei(gl.PACK_ALIGNMENT, 4);
  const debug = gl.getExtension("WEBGL_debug_renderer_info");
  const parallel = gl.getExtension("KHR_parallel_shader_compile") as { COMPLETION_STATUS_KHR: number } | null;
  return {
    gl,
    canvas,
    maxTextureSize: gl.getParameter(gl.MAX_TEXTURE_SIZE) as number,
    maxTextureUnits: gl.getParameter(gl.MAX_TEXTURE_IMAGE_UNITS) as number,
    renderer: String(debug ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)),
    vendor: String(debug ? gl.getParameter(debug.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR)),
    version: String(gl.getParameter(gl.VERSION)),
    framebuffer,
    vertexShader,
    completionStatus: parallel ? parallel.COMPLETION_STATUS_KHR : null,
  };
}
