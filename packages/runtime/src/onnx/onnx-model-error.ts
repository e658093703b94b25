/**
 * An ONNX model file is missing, unreadable or not a valid model, or it does not fit the inputs it is given (wrong
 * shapes, missing metadata). The message starts with the path.
 */
export class OnnxModelError extends Error {
  override readonly name = 'OnnxModelError';
  /** The model file. */
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.path = path;
  }
}
