import { type Parameter, ValueError } from "@axon/core";
import { parametersOf } from "./tree.ts";

/**
 * A parameter group: some parameters (a tree whose leaves are Parameters) and the options that
 * differ for them, e.g. `{ params: biases, weightDecay: 0 }`. Options a group leaves out come
 * from the optimizer's defaults (the second constructor argument).
 */
export type ParamGroup<O> = { readonly params: unknown } & Partial<O>;

/** What an optimizer's constructor accepts: its options, or a list of groups followed by defaults. */
export type OptionsOrGroups<O> = O | readonly ParamGroup<O>[];

export interface ReadGroups<O> {
  /** The defaults, which also apply to parameters given to `step` that belong to no group. */
  readonly defaults: Partial<O>;
  readonly groups: { readonly params: Parameter[]; readonly options: Partial<O> }[];
}

/** Drops keys whose value is undefined, so `{ lr: undefined }` does not hide the default lr. */
export function defined<O extends object>(options: O): Partial<O> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<O>;
}

/** Splits the constructor arguments into defaults and groups (with each group's options merged over the defaults). */
export function readGroups<O extends object>(
  who: string,
  optionsOrGroups: OptionsOrGroups<O> | undefined,
  defaults: Partial<O> | undefined,
): ReadGroups<O> {
  if (!Array.isArray(optionsOrGroups)) {
    if (defaults !== undefined)
      throw new ValueError(
        `${who}: a second argument (defaults) is only accepted after a list of param groups`,
      );
    const options = optionsOrGroups ?? {};
    if (typeof options !== "object" || options === null)
      throw new ValueError(
        `${who}: expected an options object or a list of param groups, got ${typeof options}`,
      );
    return { defaults: defined(options as O), groups: [] };
  }
  const base = defined((defaults ?? {}) as O);
  const owner = new Map<Parameter, number>();
  const groups = (optionsOrGroups as readonly ParamGroup<O>[]).map((group, i) => {
    if (group === null || typeof group !== "object" || !("params" in group))
      throw new ValueError(`${who}: param group ${i} must be an object with 'params', got ${typeof group}`);
    const { params, ...rest } = group;
    const list = parametersOf(params, `${who}: param group ${i}`);
    if (list.length === 0) throw new ValueError(`${who}: param group ${i} has no parameters`);
    for (const p of list) {
      const other = owner.get(p);
      if (other !== undefined) {
        const label = p.name ? `parameter '${p.name}'` : "a parameter";
        throw new ValueError(
          `${who}: ${label} is in param groups ${other} and ${i}; a parameter belongs to one group`,
        );
      }
      owner.set(p, i);
    }
    return { params: list, options: { ...base, ...defined(rest) } as Partial<O> };
  });
  return { defaults: base, groups };
}
