import { stat } from 'node:fs/promises';
import { join } from 'node:path';

import { OnnxModelError, createOnnxSession } from '@counterweight/runtime/onnx';
import * as ort from 'onnxruntime-node';

/** Axis order of a model's image input: `nhwc` (this app's exports, tfjs) or `nchw` (PyTorch exports). */
export type ImageLayout = 'nhwc' | 'nchw';

/** Options of {@link OnnxClassifier.load}. */
export interface OnnxClassifierOptions {
  /** Threads of one operator (onnxruntime's `intraOpNumThreads`; default 1). */
  readonly intraOpNumThreads?: number;
  /**
   * Image layout the model expects. `auto` (default) reads it from the input's static shape: channels (≤ 4) last →
   * `nhwc`, first → `nchw`; an ambiguous shape is an error asking for the layout. Images are always passed NHWC and
   * transposed for `nchw` models.
   */
  readonly layout?: ImageLayout | 'auto';
  /** Input to feed (default: the model's only input). */
  readonly inputName?: string;
  /** Output holding the logits (default: the model's first output). */
  readonly outputName?: string;
}

/** Options of {@link OnnxClassifier.predict}. */
export interface OnnxPredictOptions {
  /** Images per `session.run` (default 256; a model with a fixed batch size uses its own). */
  readonly batchSize?: number;
}

/** Static dimensions of an input or output (`undefined` for symbolic ones), from the session's metadata. */
type Dims = ReadonlyArray<number | undefined>;

function dimsOf(metadata: ort.InferenceSession.ValueMetadata | undefined): Dims | undefined {
  if (metadata === undefined || !metadata.isTensor) return undefined;
  return metadata.shape.map((d) => (typeof d === 'number' && d > 0 ? d : undefined));
}

/**
 * Checks that `path` is a file before onnxruntime reads it, so a folder (e.g. a `compare` run folder, which holds
 * `model.json`) or a missing path gets a message saying so.
 * @throws OnnxModelError naming the path.
 */
async function requireModelFile(path: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OnnxModelError(path, code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(error)})`, { cause: error });
  }
  if (!isDirectory) return;
  const isRun = await stat(join(path, 'model.json')).then(
    (s) => s.isFile(),
    () => false,
  );
  throw new OnnxModelError(
    path,
    isRun
      ? `is a run folder, not an ONNX file; export it first: imbalanced-vision export --run ${path} --out model.onnx`
      : 'is a folder, expected an ONNX model file',
  );
}

function describeInput(metadata: ort.InferenceSession.ValueMetadata | undefined): string {
  if (metadata === undefined || !metadata.isTensor) return 'not a tensor';
  return `${metadata.type} [${metadata.shape.map((d) => (typeof d === 'number' && d > 0 ? String(d) : '?')).join(', ')}]`;
}

function detectLayout(dims: Dims, path: string): ImageLayout {
  const isChannels = (d: number | undefined) => d !== undefined && d <= 4;
  const last = isChannels(dims[3]);
  const first = isChannels(dims[1]);
  if (last && !first) return 'nhwc';
  if (first && !last) return 'nchw';
  throw new OnnxModelError(
    path,
    `cannot tell the image layout from the input shape [${dims.map((d) => d ?? '?').join(', ')}]; pass layout 'nhwc' or 'nchw'`,
  );
}

function nhwcToNchw(values: Float32Array, batch: number, h: number, w: number, c: number): Float32Array {
  if (c === 1) return values;
  const out = new Float32Array(values.length);
  const plane = h * w;
  for (let b = 0; b < batch; b += 1) {
    const base = b * plane * c;
    for (let p = 0; p < plane; p += 1) {
      for (let ch = 0; ch < c; ch += 1) out[base + ch * plane + p] = values[base + p * c + ch] as number;
    }
  }
  return out;
}

/**
 * An image classifier in an ONNX file, run by onnxruntime-node on the CPU (graph optimisation level `all`,
 * sequential execution, one inter-op thread, `intraOpNumThreads` configurable): this app's exported models, or a
 * distillation teacher exported elsewhere (e.g. from PyTorch, NCHW). Images are float32 NHWC, preprocessed exactly as
 * the model was trained on; the result is the logits, row-major `[N, C]`.
 */
export class OnnxClassifier {
  private constructor(
    /** The model file. */
    readonly path: string,
    private readonly session: ort.InferenceSession,
    /** The input fed with the images. */
    readonly inputName: string,
    /** The output read as logits. */
    readonly outputName: string,
    /** Layout the model takes its images in. */
    readonly layout: ImageLayout,
    private readonly inputDims: Dims,
    /** The model's `metadata_props` (e.g. `counterweight.model` and class names written by `exportOnnx`). */
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  /**
   * Loads and checks a model.
   * @throws OnnxModelError naming the path when the file is missing, a folder (a run folder is pointed to `export`) or
   *   unreadable, is not a valid ONNX model, has no 4-D float image input (another kind of model: saying what input it
   *   has), or names an input/output it does not have.
   */
  static async load(path: string, options: OnnxClassifierOptions = {}): Promise<OnnxClassifier> {
    await requireModelFile(path);
    const { session, metadata: modelMetadata } = await createOnnxSession(path, { intraOpNumThreads: options.intraOpNumThreads });
    try {
      const inputName = options.inputName ?? (session.inputNames.length === 1 ? session.inputNames[0] : undefined);
      if (inputName === undefined || !session.inputNames.includes(inputName)) {
        throw new OnnxModelError(
          path,
          options.inputName === undefined
            ? `has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); an image classifier has one image input (or pass inputName)`
            : `has no input "${options.inputName}" (inputs: ${session.inputNames.join(', ')})`,
        );
      }
      const outputName = options.outputName ?? session.outputNames[0];
      if (outputName === undefined || !session.outputNames.includes(outputName)) {
        throw new OnnxModelError(path, `has no output "${String(outputName)}" (outputs: ${session.outputNames.join(', ')})`);
      }
      const metadata = session.inputMetadata.find((m) => m.name === inputName);
      const dims = dimsOf(metadata);
      if (dims === undefined || dims.length !== 4 || (metadata?.isTensor === true && metadata.type !== 'float32')) {
        throw new OnnxModelError(
          path,
          `is not an image classifier: its input "${inputName}" is ${describeInput(metadata)}, expected a 4-D float32 image tensor (NHWC or NCHW)`,
        );
      }
      const layout = options.layout === undefined || options.layout === 'auto' ? detectLayout(dims, path) : options.layout;
      return new OnnxClassifier(path, session, inputName, outputName, layout, dims, modelMetadata);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /**
   * The image size `[height, width, channels]` the model takes, from its input's static shape (NHWC or NCHW).
   * @throws OnnxModelError naming the path when a dimension is symbolic.
   */
  get imageShape(): [number, number, number] {
    const [, d1, d2, d3] = this.inputDims;
    const shape = this.layout === 'nhwc' ? [d1, d2, d3] : [d2, d3, d1];
    if (shape.some((d) => d === undefined)) {
      throw new OnnxModelError(this.path, 'has no fixed image size (symbolic height, width or channels); resize the images yourself');
    }
    return shape as [number, number, number];
  }

  /** The model's fixed batch size, or undefined when the batch dimension is symbolic. */
  get fixedBatchSize(): number | undefined {
    return this.inputDims[0];
  }

  /**
   * Logits of one batch of NHWC images (`images.length = batch·H·W·C`). A model with a fixed batch size gets the
   * batch zero-padded to that size (the padding rows are dropped).
   * @throws OnnxModelError naming the path when the image size differs from the model's input or the run fails.
   */
  async run(images: Float32Array, shape: readonly [number, number, number, number]): Promise<{ logits: Float32Array; numClasses: number }> {
    const [batch, h, w, c] = shape;
    if (images.length !== batch * h * w * c) {
      throw new OnnxModelError(this.path, `got ${images.length} values for ${batch} images of ${h}×${w}×${c}`);
    }
    const [, d1, d2, d3] = this.inputDims;
    const expected = this.layout === 'nhwc' ? [d1, d2, d3] : [d2, d3, d1];
    const given = [h, w, c];
    if (expected.some((d, i) => d !== undefined && d !== given[i])) {
      throw new OnnxModelError(
        this.path,
        `takes ${expected.map((d) => d ?? '?').join('×')} images (H×W×C), got ${given.join('×')}`,
      );
    }
    const fixed = this.fixedBatchSize;
    if (fixed !== undefined && batch > fixed) {
      const parts: Float32Array[] = [];
      let numClasses = 0;
      const per = h * w * c;
      for (let start = 0; start < batch; start += fixed) {
        const n = Math.min(fixed, batch - start);
        const part = await this.run(images.subarray(start * per, (start + n) * per), [n, h, w, c]);
        parts.push(part.logits);
        numClasses = part.numClasses;
      }
      const logits = new Float32Array(batch * numClasses);
      parts.reduce((offset, p) => (logits.set(p, offset), offset + p.length), 0);
      return { logits, numClasses };
    }
    const rows = fixed ?? batch;
    let input = images;
    if (rows > batch) {
      input = new Float32Array(rows * h * w * c);
      input.set(images);
    }
    const data = this.layout === 'nhwc' ? input : nhwcToNchw(input, rows, h, w, c);
    const tensor = new ort.Tensor('float32', data, this.layout === 'nhwc' ? [rows, h, w, c] : [rows, c, h, w]);
    let output: ort.Tensor | undefined;
    try {
      const results = await this.session.run({ [this.inputName]: tensor });
      output = results[this.outputName];
      if (output === undefined || output.type !== 'float32') {
        throw new OnnxModelError(this.path, `output "${this.outputName}" is missing or not float32`);
      }
      const values = output.data as Float32Array;
      const numClasses = values.length / rows;
      if (!Number.isInteger(numClasses) || output.dims[0] !== rows) {
        throw new OnnxModelError(this.path, `output "${this.outputName}" has shape [${output.dims.join(', ')}], expected [${rows}, classes]`);
      }
      return { logits: values.slice(0, batch * numClasses), numClasses };
    } catch (error) {
      if (error instanceof OnnxModelError) throw error;
      throw new OnnxModelError(this.path, `inference failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      tensor.dispose();
      output?.dispose();
    }
  }

  /**
   * Logits `[N, C]` (row-major) of `N` NHWC images of `imageShape` `[H, W, C]`, run in batches of `batchSize`.
   * For distillation this gives the teacher's logits of a (possibly augmented) training batch or a whole epoch.
   */
  async predict(images: Float32Array, imageShape: readonly [number, number, number], options: OnnxPredictOptions = {}): Promise<Float32Array> {
    const [h, w, c] = imageShape;
    const per = h * w * c;
    const count = images.length / per;
    if (!Number.isInteger(count)) {
      throw new OnnxModelError(this.path, `${images.length} values are not a whole number of ${h}×${w}×${c} images`);
    }
    const batchSize = options.batchSize ?? 256;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new OnnxModelError(this.path, `batchSize must be a positive integer, got ${String(batchSize)}`);
    }
    let out: Float32Array | undefined;
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const { logits, numClasses } = await this.run(images.subarray(start * per, (start + n) * per), [n, h, w, c]);
      out ??= new Float32Array(count * numClasses);
      out.set(logits, start * numClasses);
    }
    return out ?? new Float32Array(0);
  }

  /** Releases the onnxruntime session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * The teacher's logits `[N, C]` for `N` NHWC images: a distillation teacher given as an ONNX file, loaded with
 * {@link OnnxClassifier.load}. Same as `teacher.predict`; named for the training side's use.
 */
export async function teacherLogits(
  teacher: OnnxClassifier,
  images: Float32Array,
  imageShape: readonly [number, number, number],
  options: OnnxPredictOptions = {},
): Promise<Float32Array> {
  return teacher.predict(images, imageShape, options);
}
