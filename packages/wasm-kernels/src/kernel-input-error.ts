/**
 * A wasm training kernel was called with inputs it does not support (for example `Conv2DBackpropFilter` with
 * non-float32 data). The message starts with the kernel and attribute, e.g.
 * `Conv2DBackpropFilter.dtype: wasm supports float32 x and dy, got int32 and float32`, so the op that produced the
 * inputs can be found; `attribute` holds that prefix.
 */
export class KernelInputError extends Error {
  override readonly name = 'KernelInputError';
  /** `<Kernel>.<attribute>` that holds the unsupported value. */
  readonly attribute: string;

  constructor(attribute: string, message: string) {
    super(`${attribute}: ${message}`);
    this.attribute = attribute;
  }
}
