import { valueAndGrad } from "@axon/autograd";
import * as ax from "@axon/core";
import {
  BackendError,
  memory,
  registerBackend,
  removeBackend,
  runPrimitive,
  setBackend,
  tidy,
} from "@axon/core";
import { beforeAll, describe, expect, it } from "vitest";
import { ContextLostError, WebGLBackend } from "./index.ts";
import { t, useWebGL } from "./test/setup.ts";

/** The counters of `backend.info()` these tests read. */
interface Counters {
  textures: number;
  textureBytes: number;
  pooledTextures: number;
  pooledBytes: number;
  programs: number;
  programsCompiled: number;
  draws: number;
  uploads: number;
  readbacks: number;
}

const counters = (b: WebGLBackend): Counters => {
  const i = b.info() as unknown as Counters;
  return {
    textures: i.textures,
    textureBytes: i.textureBytes,
    pooledTextures: i.pooledTextures,
    pooledBytes: i.pooledBytes,
    programs: i.programs,
    programsCompiled: i.programsCompiled,
    draws: i.draws,
    uploads: i.uploads,
    readbacks: i.readbacks,
  };
};

/** How much each counter moved while `fn` ran. */
function delta(b: WebGLBackend, fn: () => void): Counters {
  const before = counters(b);
  fn();
  const after = counters(b);
  return Object.fromEntries(
    Object.entries(after).map(([k, v]) => [k, v - before[k as keyof Counters]]),
  ) as unknown as Counters;
}

const webglMemory = () => memory().backends.webgl ?? { numTensors: 0, numBuffers: 0, numBytes: 0 };

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

let backend: WebGLBackend;

// A training step of a small CNN (conv → relu → maxPool → dense → logSoftmax loss) with its
// gradients, plus a long reduction that runs in passes: the graph the pool and the program cache
// are for. Inputs and parameters live across runs, as in a training loop.
let images: ax.Tensor;
let labels: ax.Tensor;
let long: ax.Tensor;
let params: { kernel: ax.Tensor; dense: ax.Tensor; bias: ax.Tensor };

beforeAll(async () => {
  backend = await useWebGL();
  images = t(
    seq(4 * 12 * 12 * 3, (i) => Math.sin(i * 0.37)),
    [4, 12, 12, 3],
  );
  labels = t(
    seq(4 * 10, (i) => (i % 10 === (Math.floor(i / 10) * 3) % 10 ? 1 : 0)),
    [4, 10],
  );
  params = {
    kernel: t(
      seq(3 * 3 * 3 * 8, (i) => Math.cos(i) * 0.2),
      [3, 3, 3, 8],
    ),
    dense: t(
      seq(6 * 6 * 8 * 10, (i) => Math.sin(i * 1.3) * 0.05),
      [6 * 6 * 8, 10],
    ),
    bias: t(
      seq(10, () => 0.01),
      [10],
    ),
  };
  long = t(
    seq(20_000, (i) => (i % 17) - 8),
    [20_000],
  );
});

const loss = (p: { kernel: ax.Tensor; dense: ax.Tensor; bias: ax.Tensor }) => {
  const h = ax.maxPool(ax.relu(ax.conv2d(images, p.kernel, { padding: "same" })), { filterSize: 2 });
  const logits = ax.add(ax.matmul(ax.reshape(h, [4, 6 * 6 * 8]), p.dense), p.bias);
  return ax.neg(ax.mean(ax.sum(ax.mul(labels, ax.logSoftmax(logits, -1)), [1])));
};

/** One step: loss and gradients, read back like a training loop's logging would. */
function step(): number {
  const [value, grads] = valueAndGrad(loss)(params);
  grads.kernel.dataSync();
  grads.dense.dataSync();
  grads.bias.dataSync();
  ax.sum(long).dataSync();
  return value.dataSync()[0];
}

describe("the texture pool and the program cache", () => {
  it("100 runs of the same graph (tidied) do not grow the texture count", () => {
    const first = tidy(step);
    const start = counters(backend);
    const tensors = webglMemory();
    const drawsPerRun = delta(backend, () => tidy(step)).draws;
    expect(drawsPerRun).toBeGreaterThan(20);
    for (let i = 0; i < 100; i++) {
      const d = delta(backend, () => expect(tidy(step)).toBe(first));
      expect(d.draws).toBe(drawsPerRun);
      expect(d.textures).toBe(0);
      expect(d.programsCompiled).toBe(0);
    }
    const end = counters(backend);
    expect(end.textures).toBe(start.textures);
    expect(end.textureBytes).toBe(start.textureBytes);
    expect(end.pooledTextures).toBe(start.pooledTextures);
    expect(end.programs).toBe(start.programs);
    expect(webglMemory()).toEqual(tensors);
  });

  it("100 runs of the same ops (each result disposed by hand) do not grow the texture count", () => {
    const x = t(
      seq(64 * 100, (i) => (i % 13) * 0.1),
      [64, 100],
    );
    const w = t(
      seq(100 * 32, (i) => (i % 7) * 0.01),
      [100, 32],
    );
    const run = () => {
      const y = ax.matmul(x, w);
      const z = ax.tanh(y);
      y.dispose();
      const s = ax.sum(z, [0]);
      z.dispose();
      const v = s.dataSync()[0];
      s.dispose();
      return v;
    };
    const first = run();
    const start = counters(backend);
    const tensors = webglMemory();
    for (let i = 0; i < 100; i++) expect(run()).toBe(first);
    const end = counters(backend);
    expect(end.textures).toBe(start.textures);
    expect(end.textureBytes).toBe(start.textureBytes);
    expect(end.programsCompiled).toBe(start.programsCompiled);
    expect(webglMemory()).toEqual(tensors);
    x.dispose();
    w.dispose();
  });

  it("the first run of a graph compiles its programs, a second run compiles none", () => {
    // Ops and ranks no other test here uses, so their programs are not cached yet.
    const graph = () =>
      tidy(() => {
        const a = t(
          seq(2 * 3 * 4 * 5 * 6, (i) => i * 0.01),
          [2, 3, 4, 5, 6],
        );
        const b = ax.transpose(ax.erf(ax.expm1(a)), [4, 3, 2, 1, 0]);
        return ax.min(ax.slice(b, [1, 0, 0, 0, 0], [5, 5, 4, 3, 2]), [1, 3]).dataSync()[0];
      });
    const first = delta(backend, () => graph());
    expect(first.programsCompiled).toBeGreaterThan(0);
    const second = delta(backend, () => graph());
    expect(second.programsCompiled).toBe(0);
    expect(second.programs).toBe(0);
    expect(second.draws).toBe(first.draws);
    expect(second.textures).toBe(0);
  });
});

describe("small tensors stay on the host until a GPU op needs them", () => {
  it("creating and reading back tensors issues no draw, no upload and no texture", async () => {
    const made: ax.Tensor[] = [];
    const d = delta(backend, () =>
      tidy(() => {
        const xs = [
          ax.scalar(3),
          ax.tensor([1, 2, 3]),
          ax.tensor([1, -2, 3, 4], [2, 2], "int32"),
          ax.tensor([true, false, true]),
          ax.zeros([4, 4]),
          ax.ones([100]),
          ax.full([3, 3], 7, "int32"),
          ax.arange(10),
          ax.tensor(new Float32Array(70_000).fill(0.5)), // above the host cache: still on the host
        ];
        for (const x of xs) {
          x.dataSync();
          x.array();
          x.toString();
          ax.reshape(x, [x.size]).dataSync(); // a reshape is the same buffer
        }
        made.push(...xs.map((x) => ax.keep(x)));
      }),
    );
    expect(d.draws).toBe(0);
    expect(d.uploads).toBe(0);
    expect(d.readbacks).toBe(0);
    expect(d.textures).toBe(0);
    const before = counters(backend);
    for (const x of made) await x.data();
    expect(counters(backend)).toEqual(before);
    const after = delta(backend, () => {
      for (const x of made) x.dispose();
    });
    expect(after.draws + after.uploads + after.readbacks).toBe(0);
  });

  it("a tensor is uploaded once, by the first kernel that reads it; a result is read back once", () =>
    tidy(() => {
      // above hostEvalMax: these ops draw (smaller ones run on the host: host-eval.browser.test.ts)
      const x = t(
        seq(100, (i) => i * 0.01),
        [100],
      );
      const first = delta(backend, () => ax.exp(x));
      expect(first).toMatchObject({ uploads: 1, draws: 1, readbacks: 0 });
      const y = ax.exp(x);
      const again = delta(backend, () => ax.mul(x, y));
      expect(again).toMatchObject({ uploads: 0, draws: 1 });
      const reads = delta(backend, () => {
        y.dataSync();
        y.dataSync();
        y.toString();
      });
      expect(reads).toMatchObject({ readbacks: 1, draws: 0, uploads: 0 });
    }));
});

describe("memory() and info()", () => {
  it("memory() counts the webgl backend's live tensors and their bytes; info() the textures", () => {
    const base = webglMemory();
    const inUse = () => counters(backend).textures - counters(backend).pooledTextures;
    const texturesBefore = inUse();
    const a = t(
      seq(1000, (i) => i),
      [10, 100],
    ); // 4000 bytes, on the host
    const b = t([1, 2, 3, 4, 5, 6, 7], [7], "int32"); // 28 bytes
    const c = t([1, 0, 1, 1, 0], [5], "bool"); // 5 bytes (a byte per bool, as on the CPU)
    const d = ax.reshape(a, [100, 10]); // shares a's buffer
    const e = ax.exp(a); // uploads a, draws e: two textures
    const now = webglMemory();
    expect(now.numTensors - base.numTensors).toBe(5);
    expect(now.numBuffers - base.numBuffers).toBe(4);
    expect(now.numBytes - base.numBytes).toBe(4000 + 28 + 5 + 4000);
    expect(inUse() - texturesBefore).toBe(2);
    // The textures' bytes: 1000 elements, 4 a texel, in a 16×16 RGBA32F texture of 16 bytes a texel.
    const info = counters(backend);
    expect(info.textureBytes).toBeGreaterThanOrEqual(2 * 16 * 16 * 16);
    for (const x of [a, b, c, d, e]) x.dispose();
    expect(webglMemory()).toEqual(base);
    expect(inUse()).toBe(texturesBefore);
    // Freed textures wait in the pool (counted by info(), not by memory(): they hold no tensor).
    expect(counters(backend).pooledTextures).toBeGreaterThanOrEqual(2);
  });

  it("info() reports the renderer and limits", () => {
    const info = backend.info();
    expect(info.renderer).toEqual(expect.any(String));
    expect(info.maxTextureSize).toBeGreaterThanOrEqual(4096);
    expect(info.textureUnits).toBeGreaterThanOrEqual(8);
  });
});

describe("starting and losing the context", () => {
  it("refuses clearly without WebGL2 or without float render targets", () => {
    const proto = OffscreenCanvas.prototype as unknown as { getContext: (...args: unknown[]) => unknown };
    const original = proto.getContext;
    try {
      proto.getContext = () => null;
      expect(() => new WebGLBackend()).toThrow(BackendError);
      expect(() => new WebGLBackend()).toThrow(/WebGL2 is not available/);
      proto.getContext = function (this: OffscreenCanvas, ...args: unknown[]) {
        const gl = original.apply(this, args) as WebGL2RenderingContext;
        const getExtension = gl.getExtension.bind(gl);
        gl.getExtension = ((name: string) =>
          name === "EXT_color_buffer_float" ? null : getExtension(name)) as typeof gl.getExtension;
        return gl;
      };
      expect(() => new WebGLBackend()).toThrow(/EXT_color_buffer_float/);
    } finally {
      proto.getContext = original;
    }
  });

  it("WEBGL_lose_context: pending reads reject and every later call throws ContextLostError", async () => {
    const b = new WebGLBackend();
    registerBackend("webgl-lost", () => b, { priority: -1 });
    await setBackend("webgl-lost");
    try {
      const small = ax.tensor([1, 2, 3]); // host values only
      const x = t(
        seq(4096, (i) => i * 1e-3),
        [64, 64],
      );
      const y = ax.exp(x); // a texture only
      const cached = ax.exp(small);
      cached.dataSync(); // read back: its values are cached on the host
      const pending = [y.data(), y.data()]; // one transfer in flight, shared
      const ext = b.gpgpu.gl.getExtension("WEBGL_lose_context");
      expect(ext).not.toBeNull();
      ext!.loseContext();
      for (const p of pending) await expect(p).rejects.toBeInstanceOf(ContextLostError);
      await expect(y.data()).rejects.toBeInstanceOf(ContextLostError);
      for (const tensor of [y, x, small, cached]) {
        expect(() => tensor.dataSync()).toThrow(ContextLostError);
      }
      await expect(small.data()).rejects.toThrow(/context was lost/);
      expect(() => ax.add(small, small)).toThrow(ContextLostError);
      expect(() => runPrimitive("matmul", [x, x], { transposeA: false, transposeB: false })).toThrow(
        ContextLostError,
      );
      expect(() => ax.tensor([1])).toThrow(ContextLostError);
      // Releasing is still fine (nothing to give back to a lost context).
      for (const tensor of [y, x, small, cached]) tensor.dispose();
    } finally {
      await setBackend("webgl");
      removeBackend("webgl-lost");
    }
    // The shared backend was not touched.
    expect(ax.exp(t([0], [1])).dataSync()[0]).toBe(1);
  });
});
