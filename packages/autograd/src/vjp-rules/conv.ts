import { type Conv2DAttrs, runPrimitive } from "@axon/core";
import type { VjpRule } from "./types.ts";

/**
 * conv2d and its two backprop forms are bilinear, and each is the transpose of another in one
 * argument, so every rule is one of the three primitives: second derivatives of a CNN work.
 */

const convAttrs = (a: Conv2DAttrs): Conv2DAttrs => ({
  strides: a.strides,
  padding: a.padding,
  dilations: a.dilations,
});

export const convRules = {
  conv2d: {
    saves: (needs) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
    vjp: (ct, k) => {
      const attrs = convAttrs(k.attrs);
      const [xSpec, fSpec] = k.inputSpecs;
      return [
        k.needs[0]
          ? runPrimitive("conv2dBackpropInput", [ct, k.input(1)], { ...attrs, inputShape: xSpec.shape })
          : null,
        k.needs[1]
          ? runPrimitive("conv2dBackpropFilter", [k.input(0), ct], { ...attrs, filterShape: fSpec.shape })
          : null,
      ];
    },
  } satisfies VjpRule<"conv2d">,
  // dx = Bᵢ(dy, f): <ct, Bᵢ(dy, f)> = <conv(ct, f), dy>
  conv2dBackpropInput: {
    saves: (needs) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
    vjp: (ct, k) => {
      const attrs = convAttrs(k.attrs);
      const [, fSpec] = k.inputSpecs;
      return [
        k.needs[0] ? runPrimitive("conv2d", [ct, k.input(1)], attrs) : null,
        k.needs[1]
          ? runPrimitive("conv2dBackpropFilter", [ct, k.input(0)], { ...attrs, filterShape: fSpec.shape })
          : null,
      ];
    },
  } satisfies VjpRule<"conv2dBackpropInput">,
  // df = B_f(x, dy): <ct, B_f(x, dy)> = <dy, conv(x, ct)>
  conv2dBackpropFilter: {
    saves: (needs) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
    vjp: (ct, k) => {
      const attrs = convAttrs(k.attrs);
      const [xSpec] = k.inputSpecs;
      return [
        k.needs[0]
          ? runPrimitive("conv2dBackpropInput", [k.input(1), ct], { ...attrs, inputShape: xSpec.shape })
          : null,
        k.needs[1] ? runPrimitive("conv2d", [k.input(0), ct], attrs) : null,
      ];
    },
  } satisfies VjpRule<"conv2dBackpropFilter">,
};
