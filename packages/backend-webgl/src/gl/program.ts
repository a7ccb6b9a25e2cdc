import { BackendError, type DType } from "@axon/core";
import { PRELUDE } from "../glsl/prelude.ts";
import { type GLBuffer, formatOf } from "./buffer.ts";

/** A uniform of a generated shader: a scalar, or an array when `value` is an array. */
export interface UniformSpec {
  readonly name: string;
  readonly type: "int" | "uint" | "float";
  readonly value: number | readonly number[];
}

/**
 * One draw: the kernel's GLSL defines `T compute(int idx)` (T = float for a float32 output, int
 * for int32 and bool), which gives the element at flat output index `idx`; each fragment computes
 * the four elements of its texel. A kernel that computes a texel at once (a vec4 of four
 * consecutive elements) sets `texel` and defines `V computeTexel(int t)` instead (V = vec4 or
 * ivec4; elements past the end are ignored). Input k is read with `readK(int i)` (float or int by
 * its dtype) at flat index i, or a whole texel with `fetchK(int t)` (elements 4t … 4t + 3).
 * Uniforms are declared from `uniforms`, so shapes stay out of the source and one program serves
 * every shape of the same rank.
 */
export interface ProgramSpec {
  readonly inputs: readonly GLBuffer[];
  readonly inputDTypes?: readonly DType[];
  readonly uniforms?: readonly UniformSpec[];
  readonly outDType: DType;
  /** GLSL with helper functions and `compute` (or `computeTexel`). */
  readonly source: string;
  /** The source defines `computeTexel(int t)` instead of `compute(int idx)`. */
  readonly texel?: boolean;
}

export interface CompiledProgram {
  readonly program: WebGLProgram;
  readonly locations: Map<string, WebGLUniformLocation | null>;
}

function uniformDecl(u: UniformSpec): string {
  return Array.isArray(u.value)
    ? `uniform ${u.type} ${u.name}[${Math.max(1, u.value.length)}];`
    : `uniform ${u.type} ${u.name};`;
}

/** The complete fragment shader of a program spec. */
export function fragmentSource(spec: ProgramSpec): string {
  const lines = [
    "#version 300 es",
    "precision highp float;",
    "precision highp int;",
    "precision highp sampler2D;",
    "precision highp isampler2D;",
    PRELUDE,
  ];
  spec.inputs.forEach((buf, k) => {
    const isFloat = formatOf(buf.dtype) === "float";
    const at = `ivec2(t & x${k}_mask, t >> x${k}_shift)`;
    lines.push(
      `uniform highp ${isFloat ? "sampler2D" : "isampler2D"} x${k};`,
      `uniform int x${k}_mask;`,
      `uniform int x${k}_shift;`,
      `${isFloat ? "vec4" : "ivec4"} fetch${k}(int t) { return texelFetch(x${k}, ${at}, 0); }`,
      `${isFloat ? "float" : "int"} read${k}(int i) { int t = i >> 2; return texelFetch(x${k}, ${at}, 0)[i & 3]; }`,
    );
  });
  const outFloat = formatOf(spec.outDType) === "float";
  const v = outFloat ? "vec4" : "ivec4";
  lines.push(
    "uniform int u_outShift;",
    "uniform int u_outSize;",
    `out highp ${v} outColor;`,
    ...(spec.uniforms ?? []).map(uniformDecl),
    spec.source,
    "void main() {",
    "  int t = (int(gl_FragCoord.y) << u_outShift) | int(gl_FragCoord.x);",
    ...(spec.texel
      ? ["  outColor = computeTexel(t);"]
      : [
          `  ${v} v = ${v}(0);`,
          "  int i = t << 2;",
          "  v.x = compute(i);",
          "  if (i + 1 < u_outSize) v.y = compute(i + 1);",
          "  if (i + 2 < u_outSize) v.z = compute(i + 2);",
          "  if (i + 3 < u_outSize) v.w = compute(i + 3);",
          "  outColor = v;",
        ]),
    "}",
  );
  return lines.join("\n");
}

/** A program whose compile and link have been handed to the driver but not yet checked. */
export interface PendingProgram {
  readonly program: WebGLProgram;
  readonly shader: WebGLShader;
  readonly source: string;
}

/** Starts compiling and linking a fragment shader against the shared vertex shader; never blocks. */
export function startProgram(
  gl: WebGL2RenderingContext,
  vertexShader: WebGLShader,
  source: string,
): PendingProgram {
  const shader = gl.createShader(gl.FRAGMENT_SHADER);
  const program = gl.createProgram();
  if (!shader || !program) throw new BackendError("webgl: could not create a shader program");
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  gl.attachShader(program, vertexShader);
  gl.attachShader(program, shader);
  gl.linkProgram(program);
  return { program, shader, source };
}

/**
 * Whether the driver has finished a started program, asked without blocking through
 * KHR_parallel_shader_compile's COMPLETION_STATUS_KHR (`completionStatus`). Without the extension
 * there is no way to ask, and the answer is yes: LINK_STATUS will wait.
 */
export function programReady(
  gl: WebGL2RenderingContext,
  pending: PendingProgram,
  completionStatus: number | null,
): boolean {
  if (completionStatus === null) return true;
  // null after a context loss: nothing left to wait for
  return gl.getProgramParameter(pending.program, completionStatus) !== false;
}

/** Checks a started program's LINK_STATUS (waiting for the driver if it is not done). */
export function finishProgram(gl: WebGL2RenderingContext, pending: PendingProgram): CompiledProgram {
  const { program, shader, source } = pending;
  if (!gl.getProgramParameter(program, gl.LINK_STATUS) && !gl.isContextLost()) {
    const log = gl.getShaderInfoLog(shader) || gl.getProgramInfoLog(program);
    const numbered = source
      .split("\n")
      .map((l, i) => `${String(i + 1).padStart(4)} ${l}`)
      .join("\n");
    gl.deleteProgram(program);
    gl.deleteShader(shader);
    throw new BackendError(`webgl: a kernel's shader did not compile: ${log}\n${numbered}`);
  }
  gl.detachShader(program, shader);
  gl.deleteShader(shader);
  return { program, locations: new Map() };
}
