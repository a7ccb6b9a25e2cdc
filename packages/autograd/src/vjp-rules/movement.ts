import { runPrimitive } from "@axon/core";
import { reshape, transpose, unbroadcast } from "../prims.ts";
import type { VjpRule } from "./types.ts";

/** Data movement: each rule moves the cotangent back to where the data came from. */

export const movementRules = {
  reshape: { vjp: (ct, k) => [reshape(ct, k.inputSpecs[0].shape)] } satisfies VjpRule<"reshape">,
  transpose: {
    vjp: (ct, k) => {
      const inverse = new Array<number>(k.attrs.perm.length);
      k.attrs.perm.forEach((p, i) => {
        inverse[p] = i;
      });
      return [transpose(ct, inverse)];
    },
  } satisfies VjpRule<"transpose">,
  broadcastTo: { vjp: (ct, k) => [unbroadcast(ct, k.inputSpecs[0].shape)] } satisfies VjpRule<"broadcastTo">,
  // The slice's cotangent sits where the slice was taken; zeros elsewhere.
  slice: {
    vjp: (ct, k) => {
      const { begin, size } = k.attrs;
      const paddings = k.inputSpecs[0].shape.map((d, i) => [begin[i], d - begin[i] - size[i]] as const);
      return [runPrimitive("pad", [ct], { paddings, value: 0 })];
    },
  } satisfies VjpRule<"slice">,
  // The padding value is a constant: only the interior carries a gradient.
  pad: {
    vjp: (ct, k) => {
      const begin = k.attrs.paddings.map((p) => p[0]);
      return [runPrimitive("slice", [ct], { begin, size: [...k.inputSpecs[0].shape] })];
    },
  } satisfies VjpRule<"pad">,
  concat: {
    vjp: (ct, k) => {
      const { axis } = k.attrs;
      let offset = 0;
      return k.inputSpecs.map((spec, i) => {
        const begin = spec.shape.map((_, a) => (a === axis ? offset : 0));
        offset += spec.shape[axis];
        return k.needs[i] ? runPrimitive("slice", [ct], { begin, size: [...spec.shape] }) : null;
      });
    },
  } satisfies VjpRule<"concat">,
  // gather and scatterAdd are each other's transpose; the indices get no gradient.
  gather: {
    constantInputs: [1],
    saves: () => ({ inputs: [1] }),
    vjp: (ct, k) => [
      runPrimitive("scatterAdd", [ct, k.input(1)], {
        axis: k.attrs.axis,
        size: k.inputSpecs[0].shape[k.attrs.axis],
      }),
      null,
    ],
  } satisfies VjpRule<"gather">,
  scatterAdd: {
    constantInputs: [1],
    saves: () => ({ inputs: [1] }),
    vjp: (ct, k) => [runPrimitive("gather", [ct, k.input(1)], { axis: k.attrs.axis }), null],
  } satisfies VjpRule<"scatterAdd">,
};
