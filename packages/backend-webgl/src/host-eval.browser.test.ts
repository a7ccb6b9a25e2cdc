import * as ax from "@axon/core";
import { ValueError, tidy } from "@axon/core";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_HOST_EVAL_MAX, WebGLBackend } from "./index.ts";
import { t, useWebGL } from "./test/setup.ts";

let backend: WebGLBackend;

beforeAll(async () => {
  backend = await useWebGL();
});

interface Work {
  /** drawArrays/drawElements calls the GL context received. */
  glDraws: number;
  draws: number;
  uploads: number;
  readbacks: number;
  hostRuns: number;
  textures: number;
}

/**
 * What `fn` made the backend do: draw calls counted on the GL context itself (drawArrays and
 * drawElements wrapped for the duration) and the backend's own counters.
 */
function work(fn: () => void): Work {
  const gl = backend.gpgpu.gl;
  const counters = () => {
    const i = backend.info() as Record<string, number>;
    return {
      draws: i.draws,
      uploads: i.uploads,
      readbacks: i.readbacks,
      hostRuns: i.hostRuns,
      textures: i.textures,
    };
  };
  let glDraws = 0;
  const { drawArrays, drawElements } = gl;
  gl.drawArrays = (...args: Parameters<typeof drawArrays>) => {
    glDraws++;
    drawArrays.apply(gl, args);
  };
  gl.drawElements = (...args: Parameters<typeof drawElements>) => {
    glDraws++;
    drawElements.apply(gl, args);
  };
  const before = counters();
  try {
    fn();
  } finally {
    // the wrappers are own properties: deleting them uncovers the context's methods again
    delete (gl as Partial<WebGL2RenderingContext>).drawArrays;
    delete (gl as Partial<WebGL2RenderingContext>).drawElements;
  }
  const after = counters();
  return {
    glDraws,
    draws: after.draws - before.draws,
    uploads: after.uploads - before.uploads,
    readbacks: after.readbacks - before.readbacks,
    hostRuns: after.hostRuns - before.hostRuns,
    textures: after.textures - before.textures,
  };
}

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const f32 = Math.fround;

/** |actual − expected| within the backend's float32 tolerance (atol 1e-5, rtol 1e-4). */
function expectClose(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    1e-5 + 1e-4 * Math.abs(expected),
  );
}

describe("host evaluation: small tensors stay on the CPU until a GPU op needs them", () => {
  it("a scalar-only graph issues no draw calls and gives the right values", () => {
    // A dynamic loss-scale step with Adam's bias correction: scalars and tiny vectors only.
    let out: Record<string, number[]> = {};
    const w = work(() =>
      tidy(() => {
        const margins = t([0.5, -1, 2], [3]);
        const loss = ax.mean(ax.log(ax.add(ax.exp(ax.neg(margins)), 1))); // softplus(−m), averaged
        const scale = ax.scalar(1024);
        const scaledLoss = ax.mul(loss, scale);
        const grads = ax.div(t([512, -256, 3072, 1], [4]), scale); // unscaled gradients
        const norm = ax.sqrt(ax.sum(ax.mul(grads, grads)));
        const overflow = ax.greater(norm, 1000);
        const nextScale = ax.where(overflow, ax.div(scale, 2), ax.mul(scale, 2));
        const step = ax.cast(ax.add(ax.scalar(4, "int32"), 1), "float32");
        const correction = ax.sub(1, ax.pow(0.9, step));
        const clipped = ax.div(grads, ax.maximum(norm, 1));
        out = {
          scaledLoss: Array.from(scaledLoss.dataSync()),
          norm: Array.from(norm.dataSync()),
          overflow: Array.from(overflow.dataSync()),
          nextScale: Array.from(nextScale.dataSync()),
          correction: Array.from(correction.dataSync()),
          clipped: Array.from(clipped.dataSync()),
        };
      }),
    );
    expect(w.glDraws).toBe(0);
    expect(w).toMatchObject({ draws: 0, uploads: 0, readbacks: 0, textures: 0 });
    expect(w.hostRuns).toBeGreaterThan(15);

    const loss = [0.5, -1, 2].reduce((s, m) => s + Math.log(1 + Math.exp(-m)), 0) / 3;
    expectClose(out.scaledLoss[0], loss * 1024, "scaled loss");
    const grads = [0.5, -0.25, 3, 1 / 1024];
    const norm = Math.sqrt(grads.reduce((s, g) => s + g * g, 0));
    expectClose(out.norm[0], norm, "norm");
    expect(out.overflow).toEqual([0]);
    expect(out.nextScale).toEqual([2048]);
    expectClose(out.correction[0], 1 - 0.9 ** 5, "bias correction");
    out.clipped.forEach((v, i) => {
      expectClose(v, grads[i] / norm, `clipped[${i}]`);
    });
  });

  it("an op on a large tensor draws", () => {
    const w = work(() =>
      tidy(() => {
        const x = t(
          seq(1000, (i) => i * 1e-3),
          [1000],
        );
        const y = ax.sum(ax.exp(x));
        expectClose(
          y.dataSync()[0],
          seq(1000, (i) => Math.exp(f32(i * 1e-3))).reduce((a, b) => a + b),
          "sum",
        );
      }),
    );
    expect(w.glDraws).toBe(2);
    expect(w).toMatchObject({ draws: 2, uploads: 1, readbacks: 1, hostRuns: 0 });
  });

  it("a host tensor read by GPU kernels is uploaded once, and stays usable on the host", () =>
    tidy(() => {
      const big = ax.exp(
        t(
          seq(500, (i) => i * 1e-3),
          [500],
        ),
      ); // on the GPU
      const s = ax.mul(ax.scalar(0.5), ax.scalar(3)); // on the host
      const w = work(() => {
        ax.mul(big, s);
        ax.add(big, s);
        ax.sub(s, big);
      });
      expect(w).toMatchObject({ glDraws: 3, draws: 3, uploads: 1, hostRuns: 0 });
      const again = work(() => {
        expect(ax.add(s, 1).dataSync()[0]).toBe(2.5);
      });
      expect(again).toMatchObject({ glDraws: 0, uploads: 0, readbacks: 0, hostRuns: 1 });
    }));

  it(`the limit is ${DEFAULT_HOST_EVAL_MAX} elements for every input and the output`, () =>
    tidy(() => {
      const at = (n: number) =>
        t(
          seq(n, (i) => i),
          [n],
        );
      expect(backend.hostEvalMax).toBe(DEFAULT_HOST_EVAL_MAX);
      expect(work(() => ax.add(at(64), 1)).glDraws).toBe(0);
      expect(work(() => ax.add(at(65), 1)).glDraws).toBe(1);
      // a scalar result of a 65-element input: the input is too large
      expect(work(() => ax.sum(at(65))).glDraws).toBe(1);
      expect(work(() => ax.sum(at(64))).glDraws).toBe(0);
      // broadcasting a scalar to 65 elements makes too large an output
      expect(work(() => ax.broadcastTo(ax.scalar(1), [65])).glDraws).toBe(1);
      const m = ax.matmul(ax.ones([8, 8]), ax.ones([8, 8]));
      expect(work(() => ax.matmul(m, m)).glDraws).toBe(0);
      expect(ax.matmul(m, m).dataSync()[0]).toBe(512);
    }));

  it("a small result of a GPU kernel is not read back to run on the host; once read, it is", () =>
    tidy(() => {
      const x = t(
        seq(100, (i) => i),
        [100],
      );
      const total = ax.sum(x); // a scalar on the GPU
      expect(work(() => ax.add(total, 1)).glDraws).toBe(1);
      expect(work(() => total.dataSync()).readbacks).toBe(1);
      const w = work(() => expect(ax.add(total, 1).dataSync()[0]).toBe(4951));
      expect(w).toMatchObject({ glDraws: 0, readbacks: 0, hostRuns: 1 });
    }));

  it("info() reports the limit and the host runs; hostEvalMax 0 turns host evaluation off", () => {
    const info = backend.info();
    expect(info.hostEvalMax).toBe(DEFAULT_HOST_EVAL_MAX);
    expect(info.hostRuns).toEqual(expect.any(Number));
    expect(() => new WebGLBackend({ hostEvalMax: -1 })).toThrow(ValueError);
    expect(() => new WebGLBackend({ hostEvalMax: 1.5 })).toThrow(
      /webgl: hostEvalMax must be a non-negative integer, got 1.5/,
    );
  });
});
