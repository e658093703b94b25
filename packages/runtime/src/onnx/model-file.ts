import { writeFileAtomic } from '../atomic-write.js';

/** What {@link writeOnnxModel} wrote. */
export interface OnnxFileInfo {
  readonly path: string;
  /** File size in bytes. */
  readonly bytes: number;
}

/**
 * Writes encoded ONNX model bytes to `path` atomically: to a temporary sibling first, flushed, then renamed, so a
 * crash never leaves a half-written model at `path` and a server reloading the file never reads a partial one.
 * Missing parent directories are created.
 */
export async function writeOnnxModel(path: string, bytes: Uint8Array): Promise<OnnxFileInfo> {
  await writeFileAtomic(path, bytes);
  return { path, bytes: bytes.length };
}
