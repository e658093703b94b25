import { readFile } from 'node:fs/promises';

import * as ort from 'onnxruntime-node';

import { onnx } from './graph-builder.js';
import { OnnxModelError } from './onnx-model-error.js';

/** Options of {@link createOnnxSession}. */
export interface OnnxSessionOptions {
  /** Threads of one operator (onnxruntime's `intraOpNumThreads`; default 1). */
  readonly intraOpNumThreads?: number;
}

/** What {@link createOnnxSession} loaded. */
export interface LoadedOnnxSession {
  readonly session: ort.InferenceSession;
  /** The model's `metadata_props` (onnxruntime-node does not expose them). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Size of the model file in bytes. */
  readonly bytes: number;
}

/** `metadata_props` of an encoded ONNX model as a plain record. */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const model = onnx.ModelProto.decode(bytes);
  return Object.fromEntries(model.metadataProps.map((p): [string, string] => [p.key ?? '', p.value ?? '']));
}

/**
 * Reads an ONNX file and creates an onnxruntime-node CPU session for it (graph optimisation level `all`, sequential
 * execution, one inter-op thread, `intraOpNumThreads` configurable), along with its `metadata_props`.
 * The caller releases the session (`session.release()`).
 * @throws OnnxModelError naming the path when the thread count is invalid, the file is missing, unreadable or empty,
 *   or onnxruntime rejects it as a model (the message carries onnxruntime's reason).
 */
export async function createOnnxSession(path: string, options: OnnxSessionOptions = {}): Promise<LoadedOnnxSession> {
  const threads = options.intraOpNumThreads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new OnnxModelError(path, `intraOpNumThreads must be a positive integer, got ${String(threads)}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a folder, not an ONNX model file'
          : code === 'EACCES'
            ? 'cannot be read (permission denied)'
            : `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
    throw new OnnxModelError(path, problem, { cause: error });
  }
  if (bytes.length === 0) throw new OnnxModelError(path, 'is empty, not an ONNX model');
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OnnxModelError(path, `is not a valid ONNX model (onnxruntime: ${reason})`, { cause: error });
  }
  let metadata: Record<string, string>;
  try {
    metadata = readOnnxMetadata(bytes);
  } catch (error) {
    await session.release();
    throw new OnnxModelError(path, `cannot read the model's metadata_props (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
  return { session, metadata, bytes: bytes.length };
}
