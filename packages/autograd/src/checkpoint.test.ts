import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import { checkpoint } from "./checkpoint.ts";
import { customGrad } from "./custom-grad.ts";
import { grad, hvp, valueAndGrad } from "./grad.ts";
import { expectClose, t, useCpuBackend, values } from "./test-helpers.ts";

useCpuBackend();

/** Weights of a deep chain of tanh layers on [n, n] activations. */
function chainWeights(depth: number, n: number): ax.Tensor[] {
  return Array.from({ length: depth }, (_, l) =>
    t(
      Array.from({ length: n * n }, (_, i) => Math.sin(i * 0.37 + l) / Math.sqrt(n)),
      [n, n],
    ),
  );
}

const layer = (h: ax.Tensor, w: ax.Tensor) => ax.tanh(ax.add(ax.matmul(h, w), 0.1));

describe("checkpoint", () => {
  it("gives the same values and gradients as the plain function (arguments and captured weights)", () => {
    const ws = chainWeights(6, 4);
    const x = t(
      Array.from({ length: 16 }, (_, i) => Math.cos(i)),
      [4, 4],
    );
    const block = (h: ax.Tensor, a: ax.Tensor, b: ax.Tensor) => layer(layer(h, a), b);
    const plain = (x0: ax.Tensor, w: ax.Tensor[]) =>
      ax.sum(block(block(block(x0, w[0], w[1]), w[2], w[3]), w[4], w[5]));
    const ck = checkpoint(block);
    const checkpointed = (x0: ax.Tensor, w: ax.Tensor[]) =>
      ax.sum(ck(ck(ck(x0, w[0], w[1]), w[2], w[3]), w[4], w[5]));
    const [v1, [gx1, gw1]] = valueAndGrad(plain, { argnums: [0, 1] })(x, ws);
    const [v2, [gx2, gw2]] = valueAndGrad(checkpointed, { argnums: [0, 1] })(x, ws);
    expectClose(v2, values(v1), 1e-12);
    expectClose(gx2, values(gx1), 1e-12);
    for (const [i, g] of gw1.entries()) expectClose(gw2[i], values(g), 1e-12);

    // Weights read from a closure, differentiated with wrt: still found and differentiated.
    const captured = checkpoint((h: ax.Tensor) => layer(layer(h, ws[0]), ws[1]));
    const g3 = grad(() => ax.sum(captured(x)), ws.slice(0, 2))();
    const g4 = grad(() => ax.sum(layer(layer(x, ws[0]), ws[1])), ws.slice(0, 2))();
    for (const [i, g] of g3.entries()) expectClose(g, values(g4[i]), 1e-12);
  });

  it("gives the same second derivatives (the recomputation is recorded by an outer tape)", () => {
    const ws = chainWeights(2, 3);
    const x = t([0.5, -0.2, 0.1, 0.3, 0.9, -1, 0.2, 0.2, 0.4], [3, 3]);
    const v = t([1, 0, -1, 0.5, 0.5, 0.5, 2, -2, 0], [3, 3]);
    const f = (h: ax.Tensor) => layer(layer(h, ws[0]), ws[1]);
    const [hPlain] = hvp((h: ax.Tensor) => ax.sum(ax.square(f(h))), [x], [v]);
    const [hCk] = hvp((h: ax.Tensor) => ax.sum(ax.square(checkpoint(f)(h))), [x], [v]);
    expectClose(hCk, values(hPlain), 1e-12);
  });

  it("lowers peak live bytes on a deep chain", () => {
    const depth = 24;
    const segment = 4;
    const n = 32;
    const ws = chainWeights(depth, n);
    const x = t(
      Array.from({ length: n * n }, (_, i) => Math.sin(i)),
      [n, n],
    );
    let base = 0;
    let peak = 0;
    const sample = () => {
      peak = Math.max(peak, ax.memory().numBytes - base);
    };
    // An identity whose backward samples too, so the backward pass is measured as well.
    const probe = customGrad((h: ax.Tensor) => ({
      value: ax.mul(h, 1),
      grad: (dy) => {
        sample();
        return [dy];
      },
    }));
    const run = (useCheckpoint: boolean) => {
      const seg = (h: ax.Tensor, k: number) => {
        for (let l = k; l < k + segment; l++) {
          h = layer(h, ws[l]);
          sample();
        }
        return h;
      };
      const block = useCheckpoint ? checkpoint(seg) : seg;
      const loss = (h: ax.Tensor) => {
        for (let k = 0; k < depth; k += segment) h = probe(block(h, k));
        return ax.sum(h);
      };
      base = ax.memory().numBytes;
      peak = 0;
      const g = grad(loss)(x);
      sample();
      return { g, peak };
    };
    const plain = run(false);
    const ck = run(true);
    expectClose(ck.g, values(plain.g), 1e-12);
    // The plain tape holds every layer's activations (tens of tensors of n² float64); the
    // checkpointed one holds one tensor per segment plus one segment being recomputed.
    expect(ck.peak).toBeLessThan(plain.peak / 2);
  });

  it("runs the function as it is when no tape is recording", () => {
    let calls = 0;
    const f = checkpoint((h: ax.Tensor) => {
      calls++;
      return ax.mul(h, 2);
    });
    expectClose(f(t(3)), [6]);
    expect(calls).toBe(1);
    grad((h: ax.Tensor) => ax.sum(f(h)))(t(3));
    expect(calls).toBe(3); // forward once, recomputed once in the backward
  });
});
