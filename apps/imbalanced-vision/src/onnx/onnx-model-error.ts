/** An ONNX model file is missing, unreadable, not a valid model, or does not fit the images it is given. */
export class OnnxModelError extends Error {
  override readonly name = 'OnnxModelError';
  /** The model file. */
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.path = path;
  }
}
