/** Base class of every error Axon throws on purpose; the message names the op, the argument, what was expected and what was given. */
export class AxonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together: broadcasting, matmul inner dimensions, reshape sizes, axes out of range. */
export class ShapeError extends AxonError {}

/** A dtype an op does not accept, or two dtypes that cannot be combined. */
export class DTypeError extends AxonError {}

/** A bad argument that is neither a shape nor a dtype: a negative stride, an unknown padding mode. */
export class ValueError extends AxonError {}

/** No such backend, a backend that failed to start, or a feature a backend lacks. */
export class BackendError extends AxonError {}

/** A tensor used after `dispose()`. */
export class DisposedError extends AxonError {}

/** Debug mode: a primitive turned finite inputs into NaN or Inf. */
export class NumericsError extends AxonError {}

/** Formats a shape as `[2,3]` for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}
