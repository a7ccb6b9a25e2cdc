import * as ax from "@axon/core";
import { BackendError, ValueError, registerBackend, removeBackend, setBackend, tidy } from "@axon/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebGLBackend } from "./index.ts";
import { t, useWebGL } from "./test/setup.ts";

const COMPLETION_STATUS_KHR = 0x91b1;
const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

/** A graph with several GPU kernels (inputs above the host-evaluation limit), its result read back. */
function graph(): number[] {
  return tidy(() => {
    const x = t(
      seq(6 * 40, (i) => Math.sin(i) * 2),
      [6, 40],
    );
    const w = t(
      seq(40 * 8, (i) => Math.cos(i) * 0.1),
      [40, 8],
    );
    const h = ax.tanh(ax.matmul(x, w));
    return Array.from(ax.sum(ax.mul(h, ax.sigmoid(h)), [0]).dataSync());
  });
}

/** How `gl` answered program queries: every COMPLETION_STATUS_KHR and LINK_STATUS, in order. */
type Query = { program: WebGLProgram; pname: "completion" | "link"; answer: unknown };

/**
 * A WebGL backend on a context whose KHR_parallel_shader_compile is hidden (`"hidden"`) or
 * emulated (`"emulated"`: each program reports "not done" to its first two COMPLETION_STATUS_KHR
 * queries, then the real answer where the extension exists, else "done"), with every program query
 * recorded.
 */
function backendWith(parallel: "hidden" | "emulated"): { backend: WebGLBackend; queries: Query[] } {
  const queries: Query[] = [];
  const proto = OffscreenCanvas.prototype as unknown as { getContext: (...args: unknown[]) => unknown };
  const original = proto.getContext;
  proto.getContext = function (this: OffscreenCanvas, ...args: unknown[]) {
    const gl = original.apply(this, args) as WebGL2RenderingContext;
    const getExtension = gl.getExtension.bind(gl);
    const getProgramParameter = gl.getProgramParameter.bind(gl);
    const real = getExtension("KHR_parallel_shader_compile") as { COMPLETION_STATUS_KHR: number } | null;
    const polls = new Map<WebGLProgram, number>();
    gl.getExtension = ((name: string) => {
      if (name !== "KHR_parallel_shader_compile") return getExtension(name);
      return parallel === "hidden" ? null : { COMPLETION_STATUS_KHR };
    }) as typeof gl.getExtension;
    gl.getProgramParameter = ((program: WebGLProgram, pname: number) => {
      if (pname === COMPLETION_STATUS_KHR) {
        const n = (polls.get(program) ?? 0) + 1;
        polls.set(program, n);
        const answer = n <= 2 ? false : real ? getProgramParameter(program, pname) : true;
        queries.push({ program, pname: "completion", answer });
        return answer;
      }
      const answer = getProgramParameter(program, pname);
      if (pname === gl.LINK_STATUS) queries.push({ program, pname: "link", answer });
      return answer;
    }) as typeof gl.getProgramParameter;
    return gl;
  };
  try {
    return { backend: new WebGLBackend(), queries };
  } finally {
    proto.getContext = original;
  }
}

let expected: number[];
const extra: string[] = [];

beforeAll(async () => {
  await useWebGL();
  expected = graph();
});

afterEach(async () => {
  await setBackend("webgl");
  for (const name of extra.splice(0)) removeBackend(name);
});

async function activate(name: string, backend: WebGLBackend): Promise<void> {
  registerBackend(name, () => backend, { priority: -20 });
  extra.push(name);
  await setBackend(name);
}

describe("compileAsync: the programs of a computation compiled in parallel before it runs", () => {
  it("info() says whether KHR_parallel_shader_compile is present", async () => {
    const shared = await useWebGL();
    const present = shared.gpgpu.gl.getExtension("KHR_parallel_shader_compile") !== null;
    expect(shared.info().parallelCompile).toBe(present);
  });

  it("with KHR_parallel_shader_compile: polls COMPLETION_STATUS_KHR, asks LINK_STATUS only when done, never blocks", async () => {
    const { backend, queries } = backendWith("emulated");
    await activate("webgl-parallel", backend);
    expect(backend.info().parallelCompile).toBe(true);
    let ticked = false;
    const compiling = backend.compileAsync(graph);
    setTimeout(() => {
      ticked = true;
    }, 0);
    expect(backend.info().draws).toBe(0); // compile-only: nothing drawn
    const compiled = await compiling;
    expect(ticked).toBe(true); // the event loop ran while the driver compiled
    expect(compiled).toBeGreaterThan(2);
    expect(backend.info()).toMatchObject({ programs: compiled, pendingPrograms: 0, draws: 0 });
    // Every program: at least one "not done" answer, then "done", and only then LINK_STATUS.
    const programs = new Set(queries.map((q) => q.program));
    expect(programs.size).toBe(compiled);
    for (const p of programs) {
      const mine = queries.filter((q) => q.program === p);
      const link = mine.findIndex((q) => q.pname === "link");
      const done = mine.findIndex((q) => q.pname === "completion" && q.answer === true);
      expect(mine[0]).toMatchObject({ pname: "completion", answer: false });
      expect(done).toBeGreaterThan(0);
      expect(link).toBeGreaterThan(done);
    }
    // The real run compiles nothing and computes the same numbers.
    const before = backend.gpgpu.stats.programsCompiled;
    expect(graph()).toEqual(expected);
    expect(backend.gpgpu.stats.programsCompiled).toBe(before);
    expect(backend.gpgpu.stats.draws).toBeGreaterThan(0);
    backend.dispose();
  });

  it("without the extension: compiles the same programs, checking them one at a time between tasks", async () => {
    const { backend, queries } = backendWith("hidden");
    await activate("webgl-serial", backend);
    expect(backend.info().parallelCompile).toBe(false);
    let ticked = false;
    const compiling = backend.compileAsync(graph);
    setTimeout(() => {
      ticked = true;
    }, 0);
    const compiled = await compiling;
    expect(ticked).toBe(true);
    expect(compiled).toBeGreaterThan(2);
    expect(queries.filter((q) => q.pname === "completion")).toEqual([]);
    expect(queries.filter((q) => q.pname === "link").length).toBe(compiled);
    const before = backend.gpgpu.stats.programsCompiled;
    expect(graph()).toEqual(expected);
    expect(backend.gpgpu.stats.programsCompiled).toBe(before);
    // A second compileAsync of the same graph has nothing left to compile.
    expect(await backend.compileAsync(graph)).toBe(0);
    backend.dispose();
  });

  it("a second run of a graph compiles no programs", async () => {
    const backend = new WebGLBackend();
    await activate("webgl-second-run", backend);
    graph();
    const first = backend.gpgpu.stats.programsCompiled;
    expect(first).toBeGreaterThan(2);
    expect(graph()).toEqual(expected);
    expect(backend.gpgpu.stats.programsCompiled).toBe(first);
    backend.dispose();
  });

  it("inside compileAsync nothing is computed: reads give zeros, and a kept tensor cannot be read after", async () => {
    const backend = new WebGLBackend();
    await activate("webgl-placeholders", backend);
    const kept: ax.Tensor[] = [];
    let inside: number[] = [];
    let onHost: number[] = [];
    await backend.compileAsync(() => {
      const x = t(
        seq(100, (i) => i + 1),
        [100],
      );
      const y = ax.exp(x);
      inside = Array.from(ax.sum(y).dataSync());
      onHost = Array.from(ax.add(ax.scalar(2), 3).dataSync()); // small: evaluated on the host, for real
      kept.push(ax.keep(ax.neg(y)));
    });
    expect(inside).toEqual([0]);
    expect(onHost).toEqual([5]);
    const [escaped] = kept;
    expect(() => escaped.dataSync()).toThrow(/made inside compileAsync/);
    await expect(escaped.data()).rejects.toThrow(/made inside compileAsync/);
    expect(() => ax.exp(escaped)).toThrow(/made inside compileAsync/);
    escaped.dispose();
    backend.dispose();
  });

  it("names what is wrong: another backend active, an async fn", async () => {
    const shared = await useWebGL();
    const other = new WebGLBackend();
    await expect(other.compileAsync(graph)).rejects.toThrow(BackendError);
    await expect(other.compileAsync(graph)).rejects.toThrow(/must be the active one, but 'webgl' is/);
    await expect(shared.compileAsync(async () => {})).rejects.toThrow(ValueError);
    expect(shared.gpgpu.compileOnly).toBe(false);
    other.dispose();
  });
});
