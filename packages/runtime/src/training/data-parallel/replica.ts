import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';

import { ConfigError } from '../../errors.js';
import type { TrainableModel } from '../model.js';
import type { LossFunction } from '../loss-inputs.js';

/**
 * How a worker thread builds its own copy of the model and loss: an ES module and the name of a factory it exports,
 * called with JSON-serialisable `options`. The factory must build the same architecture (same trainable variables,
 * same order and shapes) as the model trained in the main thread; its initial values do not matter, because
 * replicas receive the main thread's weights before every step.
 */
export interface ReplicaSpec {
  /** Absolute path or `file:` URL of the module (e.g. `new URL('./model.js', import.meta.url).href`). */
  readonly module: string;
  /** Name of the exported factory `(options) => Replica | Promise<Replica>`. */
  readonly export: string;
  /** Passed to the factory; must survive `structuredClone`. */
  readonly options?: unknown;
}

/** What a replica factory returns. */
export interface Replica {
  readonly model: TrainableModel;
  /** The loss, with its declared extras (`withExtras`); the shared data set must carry them. */
  readonly loss: LossFunction<string>;
}

/** Resolves a spec's module to an importable URL string. */
export function replicaModuleUrl(spec: ReplicaSpec): string {
  if (spec.module.startsWith('file:')) return spec.module;
  if (isAbsolute(spec.module)) return pathToFileURL(spec.module).href;
  throw new ConfigError('parallel.replica.module', `must be an absolute path or a file: URL, got "${spec.module}"`);
}

/**
 * Imports the spec's module and calls its factory.
 * @throws ConfigError naming the module and export when the export is missing or returns no model/loss.
 */
export async function loadReplica(spec: ReplicaSpec): Promise<Replica> {
  const url = replicaModuleUrl(spec);
  const module = (await import(url)) as Record<string, unknown>;
  const factory = module[spec.export];
  if (typeof factory !== 'function') {
    throw new ConfigError('parallel.replica.export', `"${spec.export}" is not a function exported by ${url}`);
  }
  const replica = (await (factory as (options: unknown) => unknown)(spec.options)) as Partial<Replica> | undefined;
  if (replica?.model === undefined || typeof replica.loss !== 'function') {
    throw new ConfigError('parallel.replica.export', `${spec.export}() in ${url} must return { model, loss }`);
  }
  return replica as Replica;
}

/** `[name, shape]` of each trainable variable, for checking that replicas match the main model. */
export function trainableSignature(model: TrainableModel): Array<[string, number[]]> {
  const names = new Map(model.variables.map((v) => [v.variable, v.name]));
  return model.trainableVariables.map((v) => [names.get(v) ?? v.name, [...v.shape]]);
}
