import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { writeDirectoryAtomic, writeJsonAtomic } from '../atomic-write.js';
import { CheckpointError } from '../errors.js';
import type { TrainableModel } from './model.js';
import { OPTIMIZER_GLOBAL_STATE, type NamedTensor, type TrainingOptimizer } from './optimizers.js';

/** `format` field of every `checkpoint.json`. */
export const CHECKPOINT_FORMAT = 'counterweight-checkpoint';
/** Version of the on-disk layout. */
export const CHECKPOINT_VERSION = 1;
/** Pointer file naming the newest complete checkpoint of a directory. */
export const LATEST_FILE = 'latest.json';

/** A checkpoint on disk. */
export interface CheckpointInfo {
  /** Global step the checkpoint was taken after. */
  readonly step: number;
  /** Absolute or `dir`-relative path of its `step-<n>` directory (as `dir` was given). */
  readonly path: string;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions<S> {
  /** Checkpoint root: holds `step-<n>/` directories and `latest.json`. */
  readonly dir: string;
  readonly step: number;
  readonly model: TrainableModel;
  /** Optimiser whose state (slots, iteration count) is saved. */
  readonly optimizer?: TrainingOptimizer;
  /** JSON-serialisable state (e.g. the trainer's epoch, step, RNG and history). */
  readonly state: S;
  /** Further named tensor groups, e.g. `{ best: [...] }` for early stopping's best weights; names must be unique. */
  readonly extra?: Readonly<Record<string, readonly NamedTensor[]>>;
  /** Keep the newest `keep` checkpoints and delete older ones (default 3; `Infinity` keeps all). */
  readonly keep?: number;
}

/** A checkpoint read back from disk. The tensors are owned by the caller: call `dispose()` when done. */
export interface LoadedCheckpoint<S> {
  readonly step: number;
  readonly path: string;
  readonly state: S;
  /** Model variables by stable name. */
  readonly variables: tf.NamedTensorMap;
  /** Optimiser state with slot names rewritten to stable variable names (`<name>/<slot>`), in saved order. */
  readonly optimizer: readonly NamedTensor[];
  readonly extra: Readonly<Record<string, tf.NamedTensorMap>>;
  dispose(): void;
}

interface GroupRecord {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly specs: tf.io.WeightsManifestEntry[];
}

interface CheckpointJson<S> {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: number;
  readonly step: number;
  readonly savedAt: string;
  readonly groups: Readonly<Record<string, GroupRecord>>;
  readonly state: S;
}

interface LatestJson {
  readonly step: number;
  readonly path: string;
}

const STEP_DIR = /^step-(\d+)$/;
const TEMP_ENTRY = /^\.[0-9a-f]+\.tmp-(\d+)$/;

function stepDirName(step: number): string {
  return `step-${step}`;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Maps each trainable variable's `tf.Variable.name` to its stable checkpoint name. */
function stableNames(model: TrainableModel, path: string): Map<string, string> {
  const byVariable = new Map(model.variables.map((v) => [v.variable, v.name]));
  const out = new Map<string, string>();
  for (const variable of model.trainableVariables) {
    const name = byVariable.get(variable);
    if (name === undefined) {
      throw new CheckpointError(path, `trainable variable "${variable.name}" is not listed in model.variables`);
    }
    out.set(variable.name, name);
  }
  return out;
}

function splitSlot(name: string): [string, string] | undefined {
  const at = name.lastIndexOf('/');
  return at <= 0 ? undefined : [name.slice(0, at), name.slice(at + 1)];
}

function isGlobalState(name: string): boolean {
  return (OPTIMIZER_GLOBAL_STATE as readonly string[]).includes(name);
}

/** Rewrites optimiser slot names `<tf name>/<slot>` to `<stable name>/<slot>`. */
function toStableSlotNames(state: readonly NamedTensor[], model: TrainableModel, path: string): NamedTensor[] {
  const names = stableNames(model, path);
  return state.map(({ name, tensor }) => {
    if (isGlobalState(name)) return { name, tensor };
    const parts = splitSlot(name);
    const stable = parts === undefined ? undefined : names.get(parts[0]);
    if (parts === undefined || stable === undefined) {
      throw new CheckpointError(path, `optimizer state "${name}" belongs to no trainable variable of the model`);
    }
    return { name: `${stable}/${parts[1]}`, tensor };
  });
}

/**
 * Rewrites saved slot names back to the current `tf.Variable` names, checking that the slots cover the model's
 * trainable variables in the model's order with matching shapes (tfjs optimisers match slots to variables by position).
 */
function fromStableSlotNames(state: readonly NamedTensor[], model: TrainableModel, path: string): NamedTensor[] {
  const stableToVariable = new Map<string, tf.Variable>();
  const byVariable = new Map(model.variables.map((v) => [v.variable, v.name]));
  const trainableOrder: string[] = [];
  for (const variable of model.trainableVariables) {
    const stable = byVariable.get(variable);
    if (stable === undefined) {
      throw new CheckpointError(path, `trainable variable "${variable.name}" is not listed in model.variables`);
    }
    stableToVariable.set(stable, variable);
    trainableOrder.push(stable);
  }
  const slotOrder = new Map<string, string[]>();
  const out = state.map(({ name, tensor }) => {
    if (isGlobalState(name)) return { name, tensor };
    const parts = splitSlot(name);
    const variable = parts === undefined ? undefined : stableToVariable.get(parts[0]);
    if (parts === undefined || variable === undefined) {
      throw new CheckpointError(
        path,
        `optimizer state "${name}" is for a variable the model does not have as trainable; ` +
          `trainable variables: ${trainableOrder.join(', ')}`,
      );
    }
    if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
      throw new CheckpointError(
        path,
        `optimizer state "${name}" has shape ${shapeText(tensor.shape)} but variable "${parts[0]}" has ${shapeText(variable.shape)}`,
      );
    }
    const order = slotOrder.get(parts[1]) ?? [];
    order.push(parts[0]);
    slotOrder.set(parts[1], order);
    return { name: `${variable.name}/${parts[1]}`, tensor };
  });
  for (const [slot, order] of slotOrder) {
    const mismatch = order.findIndex((name, i) => trainableOrder[i] !== name);
    if (mismatch >= 0 || order.length !== trainableOrder.length) {
      const at = mismatch >= 0 ? mismatch : Math.min(order.length, trainableOrder.length);
      throw new CheckpointError(
        path,
        `optimizer "${slot}" slots do not follow the model's trainable variables: position ${at} holds ` +
          `"${order[at] ?? '(nothing)'}" but the model has "${trainableOrder[at] ?? '(nothing)'}"`,
      );
    }
  }
  return out;
}

async function encodeGroup(
  tensors: readonly NamedTensor[],
  file: string,
): Promise<{ record: GroupRecord; bytes: Uint8Array }> {
  const seen = new Set<string>();
  for (const { name } of tensors) {
    if (seen.has(name)) throw new CheckpointError(file, `tensor name "${name}" appears twice`);
    seen.add(name);
  }
  const { data, specs } = await tf.io.encodeWeights([...tensors]);
  const bytes = new Uint8Array(data);
  return { record: { file, bytes: bytes.byteLength, sha256: sha256(bytes), specs }, bytes };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Step numbers of the complete checkpoints (`step-<n>` directories) in `dir`, ascending. */
export async function listCheckpoints(dir: string): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  return entries
    .map((e) => STEP_DIR.exec(e)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

async function prune(dir: string, keep: number, latest: number): Promise<void> {
  const steps = await listCheckpoints(dir);
  const drop = steps.slice(0, Math.max(0, steps.length - keep)).filter((s) => s !== latest);
  for (const step of drop) await rm(join(dir, stepDirName(step)), { recursive: true, force: true });
  // Temporary directories left by processes that were killed while writing.
  for (const entry of await readdir(dir)) {
    const pid = TEMP_ENTRY.exec(entry)?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && !processAlive(Number(pid))) {
      await rm(join(dir, entry), { recursive: true, force: true });
    }
  }
}

/**
 * Saves the model's variables (by stable name), the optimiser's state and a JSON state to `<dir>/step-<step>/`,
 * built under a temporary name and renamed into place, then switches `<dir>/latest.json` to it atomically and deletes
 * all but the newest `keep` checkpoints. A crash at any point leaves `latest.json` pointing at a complete checkpoint.
 * Saving at the step `latest.json` already names does nothing; a leftover `step-<step>` directory that it does not
 * name (from a run killed between the rename and the pointer switch) is replaced. Temporary directories of dead
 * writers are removed.
 *
 * @throws CheckpointError naming the path when writing fails or the optimiser holds state for an unknown variable.
 */
export async function saveCheckpoint<S>(options: SaveCheckpointOptions<S>): Promise<CheckpointInfo> {
  const { dir, step, model } = options;
  const keep = options.keep ?? 3;
  if (!Number.isInteger(step) || step < 0) throw new CheckpointError(dir, `step must be an integer >= 0, got ${step}`);
  if (!(keep >= 1)) throw new CheckpointError(dir, `keep must be >= 1, got ${keep}`);
  const path = join(dir, stepDirName(step));
  const latest = await latestCheckpoint(dir);
  if (latest?.step === step) return latest; // nothing new since the last save
  // A directory for this step that latest.json does not point to is left over from a run killed after the rename.
  if (await exists(path)) await rm(path, { recursive: true, force: true });

  const files: Array<{ file: string; bytes: Uint8Array }> = [];
  const groups: Record<string, GroupRecord> = {};
  const addGroup = async (group: string, tensors: readonly NamedTensor[]): Promise<void> => {
    const file = `${group}.bin`;
    const { record, bytes } = await encodeGroup(tensors, file);
    groups[group] = record;
    files.push({ file, bytes });
  };
  await addGroup(
    'variables',
    model.variables.map((v) => ({ name: v.name, tensor: v.variable })),
  );
  if (options.optimizer !== undefined) {
    const state = await options.optimizer.getState();
    try {
      await addGroup('optimizer', toStableSlotNames(state, model, path));
    } finally {
      tf.dispose(state.map((s) => s.tensor));
    }
  }
  for (const [name, tensors] of Object.entries(options.extra ?? {})) {
    if (name === 'variables' || name === 'optimizer' || !/^[A-Za-z0-9_-]+$/.test(name)) {
      throw new CheckpointError(path, `extra group name "${name}" is reserved or not a plain word`);
    }
    await addGroup(`extra-${name}`, tensors);
  }
  const json: CheckpointJson<S> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step,
    savedAt: new Date().toISOString(),
    groups,
    state: options.state,
  };
  try {
    await writeDirectoryAtomic(path, async (tmp) => {
      for (const { file, bytes } of files) await writeFile(join(tmp, file), bytes);
      await writeFile(join(tmp, 'checkpoint.json'), `${JSON.stringify(json)}\n`);
    });
    const pointer: LatestJson = { step, path: stepDirName(step) };
    await writeJsonAtomic(join(dir, LATEST_FILE), pointer);
    await prune(dir, keep, step);
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(path, `cannot write the checkpoint (${(error as Error).message})`, { cause: error });
  }
  return { step, path };
}

/**
 * The checkpoint `latest.json` points to, or undefined when `dir` has no `latest.json` (no checkpoint yet).
 * @throws CheckpointError naming `latest.json` when it is corrupt or points to a missing directory.
 */
export async function latestCheckpoint(dir: string): Promise<CheckpointInfo | undefined> {
  const file = join(dir, LATEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(file, 'cannot be read', { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(file, 'is not valid JSON; delete it to start over or restore it by hand', { cause: error });
  }
  if (!isRecord(parsed) || !Number.isInteger(parsed['step']) || typeof parsed['path'] !== 'string') {
    throw new CheckpointError(file, 'must hold { step, path }');
  }
  const path = join(dir, parsed['path']);
  if (!(await exists(path))) throw new CheckpointError(path, `named by ${file} but missing`);
  return { step: parsed['step'] as number, path };
}

async function readGroup(path: string, record: GroupRecord): Promise<tf.NamedTensorMap> {
  const file = join(path, record.file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new CheckpointError(file, 'is missing or unreadable; the checkpoint is incomplete', { cause: error });
  }
  if (bytes.byteLength !== record.bytes || sha256(bytes) !== record.sha256) {
    throw new CheckpointError(file, `is corrupt (${bytes.byteLength} bytes, expected ${record.bytes} with the recorded sha256)`);
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return tf.io.decodeWeights(buffer, record.specs);
}

/**
 * Reads a checkpoint: the one `latest.json` names, or `step-<step>` when `step` is given.
 * @throws CheckpointError naming the file when there is no checkpoint, or a file is missing, corrupt or of another
 *   format.
 */
export async function loadCheckpoint<S>(dir: string, step?: number): Promise<LoadedCheckpoint<S>> {
  let path: string;
  if (step === undefined) {
    const latest = await latestCheckpoint(dir);
    if (latest === undefined) throw new CheckpointError(join(dir, LATEST_FILE), 'not found: no checkpoint saved here');
    path = latest.path;
  } else {
    path = join(dir, stepDirName(step));
  }
  const jsonFile = join(path, 'checkpoint.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(jsonFile, 'utf8'));
  } catch (error) {
    throw new CheckpointError(jsonFile, 'is missing or not valid JSON', { cause: error });
  }
  if (!isRecord(parsed) || parsed['format'] !== CHECKPOINT_FORMAT || !isRecord(parsed['groups'])) {
    throw new CheckpointError(jsonFile, `is not a ${CHECKPOINT_FORMAT} file`);
  }
  if (parsed['version'] !== CHECKPOINT_VERSION) {
    throw new CheckpointError(jsonFile, `has version ${String(parsed['version'])}; this code reads version ${CHECKPOINT_VERSION}`);
  }
  const json = parsed as unknown as CheckpointJson<S>;
  const groups: Record<string, tf.NamedTensorMap> = {};
  const all: tf.Tensor[] = [];
  try {
    for (const [name, record] of Object.entries(json.groups)) {
      const map = await readGroup(path, record);
      groups[name] = map;
      all.push(...Object.values(map));
    }
  } catch (error) {
    tf.dispose(all);
    throw error;
  }
  const variables = groups['variables'];
  if (variables === undefined) {
    tf.dispose(all);
    throw new CheckpointError(jsonFile, 'has no variables group');
  }
  const optimizerSpecs = json.groups['optimizer']?.specs ?? [];
  const optimizerMap = groups['optimizer'] ?? {};
  const optimizer = optimizerSpecs.map((spec) => ({ name: spec.name, tensor: optimizerMap[spec.name] as tf.Tensor }));
  const extra = Object.fromEntries(
    Object.entries(groups)
      .filter(([name]) => name.startsWith('extra-'))
      .map(([name, map]) => [name.slice('extra-'.length), map]),
  );
  return {
    step: json.step,
    path,
    state: json.state,
    variables,
    optimizer,
    extra,
    dispose: () => tf.dispose(all),
  };
}

/**
 * Assigns named tensors to the model's variables after checking that the names and shapes match exactly.
 * @throws CheckpointError naming the first variable that is missing, unexpected, or of another shape or dtype.
 */
export function assignVariables(model: TrainableModel, tensors: tf.NamedTensorMap, path: string): void {
  const modelNames = new Set(model.variables.map((v) => v.name));
  for (const name of Object.keys(tensors)) {
    if (!modelNames.has(name)) {
      throw new CheckpointError(path, `holds variable "${name}" that the model does not have (model: ${[...modelNames].join(', ')})`);
    }
  }
  for (const { name, variable } of model.variables) {
    const tensor = tensors[name];
    if (tensor === undefined) throw new CheckpointError(path, `has no value for the model's variable "${name}"`);
    if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
      throw new CheckpointError(
        path,
        `variable "${name}" has shape ${shapeText(tensor.shape)} in the checkpoint but ${shapeText(variable.shape)} in the model`,
      );
    }
    if (tensor.dtype !== variable.dtype) {
      throw new CheckpointError(path, `variable "${name}" is ${tensor.dtype} in the checkpoint but ${variable.dtype} in the model`);
    }
  }
  for (const { name, variable } of model.variables) variable.assign(tensors[name] as tf.Tensor);
}

/**
 * Restores a loaded checkpoint into a model (and optimiser): every variable is validated before any is assigned.
 * Does not dispose `checkpoint`.
 * @throws CheckpointError naming the mismatching variable or optimiser slot.
 */
export async function restoreCheckpoint<S>(
  checkpoint: LoadedCheckpoint<S>,
  model: TrainableModel,
  optimizer?: TrainingOptimizer,
): Promise<void> {
  const optimizerState =
    optimizer === undefined ? undefined : fromStableSlotNames(checkpoint.optimizer, model, checkpoint.path);
  assignVariables(model, checkpoint.variables, checkpoint.path);
  if (optimizer !== undefined && optimizerState !== undefined) {
    if (optimizerState.length === 0) {
      throw new CheckpointError(checkpoint.path, 'holds no optimizer state (saved without an optimizer)');
    }
    await optimizer.setState(optimizerState);
  }
}
