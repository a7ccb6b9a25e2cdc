import { type Pool2DAttrs, type Tensor, makeTensor, runPrimitive } from "@axon/core";
import { equal, reshape, scalar, sum, where } from "../prims.ts";
import { noteCreated } from "../release.ts";
import type { VjpRule } from "./types.ts";

/** Pooling: the backward primitives for first derivatives, and window gathers for the second. */

const poolAttrs = (a: Pool2DAttrs): Pool2DAttrs => ({
  filterSize: a.filterSize,
  strides: a.strides,
  padding: a.padding,
});

/**
 * The windows of x [N,H,W,C] that a pooling with `attrs` reads, as [N,OH,OW,kh·kw,C]; positions
 * outside the input read `fill`. Built from pad, reshape and gather, so it is differentiable.
 */
function windows(x: Tensor, attrs: Pool2DAttrs, outHW: readonly [number, number], fill: number): Tensor {
  const [n, h, w, c] = x.shape;
  const [[top, bottom], [left, right]] = attrs.padding;
  const [kh, kw] = attrs.filterSize;
  const [sh, sw] = attrs.strides;
  const [oh, ow] = outHW;
  const wp = w + left + right;
  const padded = runPrimitive("pad", [x], {
    paddings: [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ],
    value: fill,
  });
  const rows = reshape(padded, [n, (h + top + bottom) * wp, c]);
  const idx = new Int32Array(oh * ow * kh * kw);
  let p = 0;
  for (let i = 0; i < oh; i++)
    for (let j = 0; j < ow; j++)
      for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) idx[p++] = (i * sh + a) * wp + (j * sw + b);
  const indices = noteCreated(makeTensor(idx, [idx.length], "int32"));
  const gathered = runPrimitive("gather", [rows, indices], { axis: 1 });
  return reshape(gathered, [n, oh, ow, kh * kw, c]);
}

export const poolRules = {
  maxPool: {
    saves: () => ({ inputs: [0] }),
    vjp: (ct, k) => [runPrimitive("maxPoolBackward", [ct, k.input(0)], poolAttrs(k.attrs))],
  } satisfies VjpRule<"maxPool">,
  avgPool: {
    vjp: (ct, k) => [
      runPrimitive("avgPoolBackward", [ct], { ...poolAttrs(k.attrs), inputShape: k.inputSpecs[0].shape }),
    ],
  } satisfies VjpRule<"avgPool">,
  // avgPoolBackward is avgPool's transpose, so its own transpose is avgPool.
  avgPoolBackward: {
    vjp: (ct, k) => [runPrimitive("avgPool", [ct], poolAttrs(k.attrs))],
  } satisfies VjpRule<"avgPoolBackward">,
  /**
   * maxPoolBackward(dy, x) sends dy[window] to the window's first maximum of x. It is linear in
   * dy (transpose: read ct at each window's first maximum) and flat in x almost everywhere.
   */
  maxPoolBackward: {
    saves: () => ({ inputs: [1] }),
    vjp: (ct, k) => {
      if (!k.needs[0]) return [null, null];
      const x = k.input(1);
      const [, oh, ow] = k.inputSpecs[0].shape;
      const attrs = poolAttrs(k.attrs);
      const kk = attrs.filterSize[0] * attrs.filterSize[1];
      // Padding never wins the max, as in the forward.
      const first = runPrimitive("argmax", [windows(x, attrs, [oh, ow], Number.NEGATIVE_INFINITY)], {
        axis: 3,
      });
      const slot = noteCreated(
        makeTensor(
          Int32Array.from({ length: kk }, (_, i) => i),
          [1, 1, 1, kk, 1],
          "int32",
        ),
      );
      const [n, , , c] = first.shape;
      const chosen = equal(slot, reshape(first, [n, oh, ow, 1, c]));
      return [sum(where(chosen, windows(ct, attrs, [oh, ow], 0), scalar(0, ct.dtype)), [3]), null];
    },
  } satisfies VjpRule<"maxPoolBackward">,
};
