import { createOnnxSession, OnnxModelError } from '@counterweight/runtime/onnx';
import * as ort from 'onnxruntime-node';

import type { FeatureSpec } from '../data/auction-set.js';
import { inputFileProblem } from '../data/input-file.js';
import { checkFeatureSpec, findFeatureProblem, resolveCtrModelConfig, type CtrModelConfig, type ResolvedCtrModelConfig } from '../models/index.js';
import {
  CTR_ONNX_CATEGORICAL,
  CTR_ONNX_CONFIG_KEY,
  CTR_ONNX_FORMAT,
  CTR_ONNX_FORMAT_KEY,
  CTR_ONNX_LOGITS,
  CTR_ONNX_NUMERIC,
  CTR_ONNX_PROBABILITY,
  CTR_ONNX_SPEC_KEY,
} from './export.js';

/** Options of {@link loadCtrOnnx}. */
export interface LoadCtrOnnxOptions {
  /** onnxruntime's `intraOpNumThreads` (default 1: a server scales by processes, a bench sets it explicitly). */
  readonly intraOpNumThreads?: number;
}

/** Scores of `N` candidates: logits and pCTR, both `[N]`. */
export interface CtrScores {
  readonly logits: Float32Array;
  readonly probability: Float32Array;
}

function parseJson(path: string, metadata: Readonly<Record<string, string>>, key: string): unknown {
  const text = metadata[key];
  if (text === undefined) {
    throw new OnnxModelError(path, `has no "${key}" metadata; it was not written by exportCtrModel (re-export the model)`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new OnnxModelError(path, `metadata "${key}" is not valid JSON`, { cause: error });
  }
}

function readSpec(path: string, metadata: Readonly<Record<string, string>>): FeatureSpec {
  const value = parseJson(path, metadata, CTR_ONNX_SPEC_KEY) as Partial<Record<keyof FeatureSpec, unknown>> | null;
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (value === null || typeof value !== 'object' || !strings(value.numericNames) || !strings(value.categoricalFields)) {
    throw new OnnxModelError(path, `metadata "${CTR_ONNX_SPEC_KEY}" is not a feature spec`);
  }
  if (!Array.isArray(value.buckets) || !value.buckets.every((b) => typeof b === 'number')) {
    throw new OnnxModelError(path, `metadata "${CTR_ONNX_SPEC_KEY}" has no numeric buckets`);
  }
  const spec = value as FeatureSpec;
  try {
    checkFeatureSpec(spec);
  } catch (error) {
    throw new OnnxModelError(path, `metadata "${CTR_ONNX_SPEC_KEY}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return spec;
}

/**
 * A CTR model exported by `exportCtrModel`, run by onnxruntime-node (CPU). Scores flattened candidates; the
 * feature spec from the model's metadata says what each candidate must carry.
 */
export class CtrOnnxModel {
  private constructor(
    /** The model file. */
    readonly path: string,
    private readonly session: ort.InferenceSession,
    /** The features the model reads (from `counterweight.ctr.spec`). */
    readonly spec: FeatureSpec,
    /** The resolved model config (from `counterweight.ctr.model`). */
    readonly config: ResolvedCtrModelConfig,
    /** Every `metadata_props` entry. */
    readonly metadata: Readonly<Record<string, string>>,
    /** Size of the model file in bytes. */
    readonly bytes: number,
  ) {}

  /**
   * Loads and checks a model (see {@link loadCtrOnnx}).
   * @throws OnnxModelError naming the path when the file is missing or a folder, cannot be loaded, is another kind of
   *   model (no ctr metadata), has another format version, or its inputs/outputs do not match its spec.
   */
  static async load(path: string, options: LoadCtrOnnxOptions = {}): Promise<CtrOnnxModel> {
    const fileProblem = await inputFileProblem(path, 'an ONNX model file');
    if (fileProblem !== undefined) throw new OnnxModelError(path, fileProblem);
    const { session, metadata, bytes } = await createOnnxSession(path, { intraOpNumThreads: options.intraOpNumThreads });
    try {
      const format = metadata[CTR_ONNX_FORMAT_KEY];
      if (format === undefined) {
        const names = (list: readonly string[]) => list.map((n) => JSON.stringify(n.slice(0, 40))).join(', ');
        throw new OnnxModelError(
          path,
          `is an ONNX model but not a ctr-ranking model: it has no "${CTR_ONNX_FORMAT_KEY}" metadata (its inputs: ${names(session.inputNames)}; ` +
            `outputs: ${names(session.outputNames)}); give a model written by \`ctr-ranking export\``,
        );
      }
      if (format !== CTR_ONNX_FORMAT) {
        throw new OnnxModelError(path, `has ctr format ${JSON.stringify(format)}, this version reads "${CTR_ONNX_FORMAT}"; re-export the model`);
      }
      const spec = readSpec(path, metadata);
      let config: ResolvedCtrModelConfig;
      try {
        config = resolveCtrModelConfig(parseJson(path, metadata, CTR_ONNX_CONFIG_KEY) as CtrModelConfig);
      } catch (error) {
        if (error instanceof OnnxModelError) throw error;
        throw new OnnxModelError(path, `metadata "${CTR_ONNX_CONFIG_KEY}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      const expectedInputs = [
        ...(spec.numericNames.length > 0 ? [CTR_ONNX_NUMERIC] : []),
        ...(spec.categoricalFields.length > 0 ? [CTR_ONNX_CATEGORICAL] : []),
      ];
      if ([...session.inputNames].sort().join(',') !== [...expectedInputs].sort().join(',')) {
        throw new OnnxModelError(path, `has inputs [${session.inputNames.join(', ')}], its spec needs [${expectedInputs.join(', ')}]`);
      }
      for (const output of [CTR_ONNX_LOGITS, CTR_ONNX_PROBABILITY]) {
        if (!session.outputNames.includes(output)) throw new OnnxModelError(path, `has no output "${output}" (outputs: ${session.outputNames.join(', ')})`);
      }
      return new CtrOnnxModel(path, session, spec, config, metadata, bytes);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /**
   * Logits and pCTR of `count` candidates in one `session.run`: `numeric [count, d]` and `categorical [count, F]`,
   * row-major. Features are checked first (`findFeatureProblem`: counts, finite values, categorical ranges).
   * @throws RangeError describing the first bad value; OnnxModelError naming the path when inference fails.
   */
  async score(numeric: Float32Array, categorical: Int32Array, count: number): Promise<CtrScores> {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be an integer ≥ 0, got ${count}`);
    const problem = findFeatureProblem(this.spec, numeric, categorical, count);
    if (problem !== undefined) throw new RangeError(problem);
    if (count === 0) return { logits: new Float32Array(0), probability: new Float32Array(0) };
    const feeds: Record<string, ort.Tensor> = {};
    const d = this.spec.numericNames.length;
    const fields = this.spec.categoricalFields.length;
    if (d > 0) feeds[CTR_ONNX_NUMERIC] = new ort.Tensor('float32', numeric, [count, d]);
    if (fields > 0) feeds[CTR_ONNX_CATEGORICAL] = new ort.Tensor('int32', categorical, [count, fields]);
    let results: ort.InferenceSession.ReturnType | undefined;
    try {
      results = await this.session.run(feeds);
      const logits = results[CTR_ONNX_LOGITS];
      const probability = results[CTR_ONNX_PROBABILITY];
      if (logits?.type !== 'float32' || probability?.type !== 'float32' || logits.data.length !== count || probability.data.length !== count) {
        throw new OnnxModelError(this.path, `outputs must be float32 [${count}]`);
      }
      return { logits: (logits.data as Float32Array).slice(), probability: (probability.data as Float32Array).slice() };
    } catch (error) {
      if (error instanceof OnnxModelError) throw error;
      throw new OnnxModelError(this.path, `inference failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      for (const t of Object.values(feeds)) t.dispose();
      for (const t of Object.values(results ?? {})) t.dispose();
    }
  }

  /** Releases the onnxruntime session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Loads a CTR model written by `exportCtrModel` into an onnxruntime-node session, with its feature spec and config
 * read from the model's `metadata_props`. Release it with `release()`.
 * @throws OnnxModelError naming the path (missing/invalid file, missing ctr metadata, inputs not matching the spec).
 */
export function loadCtrOnnx(path: string, options: LoadCtrOnnxOptions = {}): Promise<CtrOnnxModel> {
  return CtrOnnxModel.load(path, options);
}
