import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import { grad } from "./grad.ts";
import { gradCheck } from "./grad-check.ts";
import { expectClose, t, useCpuBackend, values } from "./test-helpers.ts";

// Gradients that mature frameworks have got wrong at some point, each checked against values
// worked out independently, not only against central differences.

useCpuBackend();

describe("cases mature frameworks get wrong", () => {
  it("avgPool with 'same' padding divides by the in-bounds count the forward used", () => {
    const h = 3;
    const w = 4;
    const x = t(
      Array.from({ length: h * w }, (_, i) => i / 7),
      [1, h, w, 1],
    );
    const f = (v: ax.Tensor) => ax.sum(ax.avgPool(v, { filterSize: 3, strides: 1, padding: "same" }));
    // Every output window is centred on an input position and clipped to the input: it counts
    // rows·cols in-bounds elements, and each of them receives 1/count from that window.
    const count = (i: number, j: number) =>
      (Math.min(i + 1, h - 1) - Math.max(i - 1, 0) + 1) * (Math.min(j + 1, w - 1) - Math.max(j - 1, 0) + 1);
    const expected: number[] = [];
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        let g = 0;
        for (let a = i - 1; a <= i + 1; a++)
          for (let b = j - 1; b <= j + 1; b++) if (a >= 0 && a < h && b >= 0 && b < w) g += 1 / count(a, b);
        expected.push(g);
      }
    }
    expectClose(grad(f)(x), expected, 1e-12);
    // A corner window holds 4 elements, so the corner's own window gives it 1/4, not 1/9.
    expect(count(0, 0)).toBe(4);
    expect(gradCheck(f, [x]).ok).toBe(true);
  });

  it("maximum and minimum sum their gradients back over broadcast dimensions", () => {
    const a = t([0.5, -1, 2, 3, -2, 0.2], [2, 3]);
    const b = t([0, 1, 1], [3]);
    const [ga, gb] = grad((p: ax.Tensor, q: ax.Tensor) => ax.sum(ax.maximum(p, q)), { argnums: [0, 1] })(
      a,
      b,
    );
    expect(ga.shape).toEqual([2, 3]);
    expect(gb.shape).toEqual([3]);
    expectClose(ga, [1, 0, 1, 1, 0, 0]);
    expectClose(gb, [0, 2, 1]);
    const [ma, mb] = grad((p: ax.Tensor, q: ax.Tensor) => ax.sum(ax.minimum(p, q)), { argnums: [0, 1] })(
      a,
      b,
    );
    expectClose(ma, [0, 1, 0, 0, 1, 1]);
    expectClose(mb, [2, 0, 1]);
    // A tie splits the gradient evenly: what a central difference measures.
    const [ta, tb] = grad((p: ax.Tensor, q: ax.Tensor) => ax.sum(ax.maximum(p, q)), { argnums: [0, 1] })(
      t([1, 1], [2]),
      t(1),
    );
    expectClose(ta, [0.5, 0.5]);
    expectClose(tb, [1]);
  });

  it("batched matmul with broadcasting sums gradients back over the broadcast batch dimensions", () => {
    const a = t(
      Array.from({ length: 2 * 1 * 2 * 3 }, (_, i) => Math.sin(i)),
      [2, 1, 2, 3],
    );
    const b = t(
      Array.from({ length: 4 * 3 * 2 }, (_, i) => Math.cos(i)),
      [4, 3, 2],
    );
    const f = (p: ax.Tensor, q: ax.Tensor) => ax.sum(ax.matmul(p, q));
    const [ga, gb] = grad(f, { argnums: [0, 1] })(a, b);
    expect(ga.shape).toEqual([2, 1, 2, 3]);
    expect(gb.shape).toEqual([4, 3, 2]);
    // d/dA Σ A·B = 1·Bᵀ summed over the 4 batches of B; d/dB = Aᵀ·1 summed over the 2 batches of A.
    const A = values(a);
    const B = values(b);
    const expectedA = A.map((_, idx) => {
      const k = idx % 3;
      let s = 0;
      for (let batch = 0; batch < 4; batch++) for (let n = 0; n < 2; n++) s += B[batch * 6 + k * 2 + n];
      return s;
    });
    const expectedB = B.map((_, idx) => {
      const k = Math.floor(idx / 2) % 3;
      let s = 0;
      for (let batch = 0; batch < 2; batch++) for (let m = 0; m < 2; m++) s += A[batch * 6 + m * 3 + k];
      return s;
    });
    expectClose(ga, expectedA);
    expectClose(gb, expectedB);
    expect(gradCheck(f, [a, b]).ok).toBe(true);
  });

  it("conv2d with dilation > 1 has the gradient of the equivalent zero-stuffed filter", () => {
    const x = t(
      Array.from({ length: 2 * 6 * 7 * 2 }, (_, i) => Math.sin(i * 0.7)),
      [2, 6, 7, 2],
    );
    const f = t(
      Array.from({ length: 2 * 3 * 2 * 3 }, (_, i) => Math.cos(i * 1.3)),
      [2, 3, 2, 3],
    );
    const dilated = (v: ax.Tensor, k: ax.Tensor) =>
      ax.sum(ax.square(ax.conv2d(v, k, { dilations: [2, 3], padding: "same" })));
    // A dilation-(2,3) filter of size 2×3 is a 3×7 dense filter with zeros between the taps.
    const stuffed = (k: ax.Tensor) => {
      const out = new Float64Array(3 * 7 * 2 * 3);
      const kv = values(k);
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 3; j++)
          for (let c = 0; c < 6; c++) out[(i * 2 * 7 + j * 3) * 6 + c] = kv[(i * 3 + j) * 6 + c];
      return out;
    };
    const dense = t(Array.from(stuffed(f)), [3, 7, 2, 3]);
    const plain = (v: ax.Tensor, k: ax.Tensor) => ax.sum(ax.square(ax.conv2d(v, k, { padding: "same" })));
    expectClose(dilated(x, f), values(plain(x, dense)), 1e-12);
    const [gx, gf] = grad(dilated, { argnums: [0, 1] })(x, f);
    const [gxDense, gfDense] = grad(plain, { argnums: [0, 1] })(x, dense);
    expectClose(gx, values(gxDense), 1e-10);
    // The dilated filter's gradient is the dense filter's gradient read at the taps.
    const gd = values(gfDense);
    const taps: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) for (let c = 0; c < 6; c++) taps.push(gd[(i * 2 * 7 + j * 3) * 6 + c]);
    expectClose(gf, taps, 1e-10);
    expect(gradCheck(dilated, [x, f]).relativeDifference).toBeLessThan(1e-6);
  });

  describe("softmax cross-entropy with soft labels, −Σ labels·logSoftmax(logits)", () => {
    const logitsOf = () => t([2, -1, 0.5, 0.3, 3, -2, 1, 1, 0], [3, 3]);
    // Rows that do not sum to 1 (label smoothing done wrong, unnormalized targets).
    const labelsOf = () => t([0.7, 0.2, 0.3, 0, 0.5, 0.1, 0.25, 0.25, 0.25], [3, 3]);
    const loss = (z: ax.Tensor, y: ax.Tensor) => ax.neg(ax.sum(ax.mul(y, ax.logSoftmax(z))));

    it("its gradient with respect to the labels is −logSoftmax(logits)", () => {
      const logits = logitsOf();
      const labels = labelsOf();
      const gy = grad(loss, { argnums: 1 })(logits, labels);
      expectClose(gy, values(ax.neg(ax.logSoftmax(logits))), 1e-12);
    });

    it("its gradient with respect to the logits is softmax·Σlabels − labels, even when labels do not sum to 1", () => {
      const logits = logitsOf();
      const labels = labelsOf();
      const gz = grad(loss)(logits, labels);
      const p = values(ax.softmax(logits));
      const y = values(labels);
      const expected = p.map((pi, i) => {
        const row = Math.floor(i / 3);
        const mass = y[row * 3] + y[row * 3 + 1] + y[row * 3 + 2];
        return pi * mass - y[i];
      });
      expectClose(gz, expected, 1e-12);
      // The shortcut softmax − labels is only right for normalized labels; these are not.
      expect(Math.max(...expected.map((e, i) => Math.abs(e - (p[i] - y[i]))))).toBeGreaterThan(0.1);
      expect(gradCheck(loss, [logits, labels]).relativeDifference).toBeLessThan(1e-6);
    });
  });
});
