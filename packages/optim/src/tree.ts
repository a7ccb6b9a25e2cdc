import { Parameter, Tensor, ValueError, fmtShape } from "@axon/core";

/**
 * Trees are nested arrays, plain objects and Maps. A parameter tree has `Parameter` leaves; a
 * gradient tree has the same structure with a tensor (or null/undefined: no gradient) per
 * parameter. Anything else in a tree is static and carried through unchanged.
 */

/** One parameter of a tree with its gradient (null when there is none) and where it sits (`[1].kernel`). */
export interface ParamAndGrad {
  readonly param: Parameter;
  readonly grad: Tensor | null;
  readonly path: string;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

const where = (path: string): string => path || "(root)";

function describe(x: unknown): string {
  if (x instanceof Tensor) return `a Tensor of shape ${fmtShape(x.shape)}`;
  if (x instanceof Parameter) return "a Parameter";
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (x instanceof Map) return "a Map";
  if (isPlainObject(x)) return "an object";
  return x === null ? "null" : typeof x;
}

/** The parameters of a tree in order, without their gradients. */
export function parametersOf(tree: unknown, who: string): Parameter[] {
  const out: Parameter[] = [];
  const walk = (x: unknown, path: string, seen: Set<unknown>): void => {
    if (x instanceof Parameter) out.push(x);
    else if (Array.isArray(x) || x instanceof Map || isPlainObject(x)) {
      if (seen.has(x))
        throw new ValueError(`${who}: the parameter tree refers to itself at '${where(path)}'`);
      seen.add(x);
      if (Array.isArray(x))
        x.forEach((v, i) => {
          walk(v, `${path}[${i}]`, seen);
        });
      else if (x instanceof Map) for (const [k, v] of x) walk(v, `${path}.get(${String(k)})`, seen);
      else for (const k of Object.keys(x)) walk(x[k], `${path}.${k}`, seen);
      seen.delete(x);
    }
  };
  walk(tree, "", new Set());
  return out;
}

/**
 * Walks a parameter tree and its gradient tree together. A gradient subtree that is null or
 * undefined means "no gradient" for every parameter under it; any other mismatch is an error
 * naming the path, because silently pairing a parameter with the wrong gradient would corrupt it.
 */
export function zipParamsAndGrads(params: unknown, grads: unknown, who: string): ParamAndGrad[] {
  const out: ParamAndGrad[] = [];
  const mismatch = (path: string, expected: string, got: unknown) =>
    new ValueError(
      `${who}: grads must match the structure of params; at '${where(path)}' expected ${expected}, got ${describe(got)}`,
    );
  const walk = (p: unknown, g: unknown, path: string, seen: Set<unknown>): void => {
    if (p instanceof Parameter) {
      if (g === null || g === undefined) out.push({ param: p, grad: null, path });
      else if (g instanceof Tensor) out.push({ param: p, grad: g, path });
      else throw mismatch(path, "a Tensor (or null for no gradient)", g);
      return;
    }
    const container = Array.isArray(p) || p instanceof Map || isPlainObject(p);
    if (!container) return; // a static leaf: nothing to update
    if (seen.has(p)) throw new ValueError(`${who}: the parameter tree refers to itself at '${where(path)}'`);
    seen.add(p);
    const none = g === null || g === undefined;
    if (Array.isArray(p)) {
      if (!none && (!Array.isArray(g) || g.length !== p.length))
        throw mismatch(path, `an array of length ${p.length}`, g);
      p.forEach((v, i) => {
        walk(v, none ? null : (g as unknown[])[i], `${path}[${i}]`, seen);
      });
    } else if (p instanceof Map) {
      if (!none && !(g instanceof Map)) throw mismatch(path, "a Map", g);
      for (const [k, v] of p)
        walk(v, none ? null : (g as Map<unknown, unknown>).get(k), `${path}.get(${String(k)})`, seen);
    } else {
      if (!none && !isPlainObject(g)) throw mismatch(path, "an object", g);
      for (const k of Object.keys(p as object))
        walk(
          (p as Record<string, unknown>)[k],
          none ? null : (g as Record<string, unknown>)[k],
          `${path}.${k}`,
          seen,
        );
    }
    seen.delete(p);
  };
  walk(params, grads, "", new Set());
  return out;
}

/** The tensors of a tree in order (null/undefined and other static leaves skipped). */
export function tensorsOf(tree: unknown): Tensor[] {
  const out: Tensor[] = [];
  mapTensors(tree, (t) => {
    out.push(t);
    return t;
  });
  return out;
}

/** The same tree with every tensor replaced by `fn(tensor)`; static leaves are kept as they are. */
export function mapTensors<T>(tree: T, fn: (t: Tensor, path: string) => Tensor): T {
  const walk = (x: unknown, path: string, seen: Set<unknown>): unknown => {
    if (x instanceof Tensor) return fn(x, path);
    const container = Array.isArray(x) || x instanceof Map || isPlainObject(x);
    if (!container) return x;
    if (seen.has(x)) throw new ValueError(`tree: the structure refers to itself at '${where(path)}'`);
    seen.add(x);
    let out: unknown;
    if (Array.isArray(x)) out = x.map((v, i) => walk(v, `${path}[${i}]`, seen));
    else if (x instanceof Map)
      out = new Map([...x].map(([k, v]) => [k, walk(v, `${path}.get(${String(k)})`, seen)]));
    else {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x as object))
        o[k] = walk((x as Record<string, unknown>)[k], `${path}.${k}`, seen);
      out = o;
    }
    seen.delete(x);
    return out;
  };
  return walk(tree, "", new Set()) as T;
}
