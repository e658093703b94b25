import { graphMechanisms, type CausalGraph, type Mechanism } from './causal-graph.js';
import type { DensityRatioFitter, DensityRatioModel } from './density-ratio-model.js';
import type { Matrix } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';

/** Named columns of equal length (rows are samples), e.g. `{ temperature: Float64Array, pm25: number[] }`. */
export type ColumnTable = Readonly<Record<string, ArrayLike<number>>>;

/** Options of {@link mechanismWeights}. */
export interface MechanismWeightsOptions {
  /** Fits each density ratio `p_target / p_source` (domain classifier, KLIEP, ...). Required. */
  readonly fitter: DensityRatioFitter;
  /** Columns of each graph node; default: the node's own name (one column per node). */
  readonly nodeColumns?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Per-row importance factor of each mechanism on the evaluation rows: for a root `i`, `r_i(x_i)`; for any other node,
 * `r_{pa_i ∪ i}(x) / r_{pa_i}(x)`, the ratio of target to source conditional densities
 * `p_T(x_i | pa_i) / p_S(x_i | pa_i)`
 * (Zhang, Singh, Ghassemi and Joshi, ICML 2023, eq. for `w_S`; MLforHealth/expl_perf_drop, `explainers.py` lines
 * 269–281). The weight of a coalition is the product of its members' factors ({@link coalitionWeights}).
 */
export interface MechanismWeights {
  readonly mechanisms: readonly Mechanism[];
  /** `factors[k][row]`: factor of mechanism `k` on evaluation row `row`. */
  readonly factors: readonly Float64Array[];
  /** Number of evaluation rows. */
  readonly rows: number;
}

/**
 * Fits one density ratio per distinct column set (each root's columns, each non-root's parent columns and
 * parent-plus-node columns; shared parent sets are fitted once) on `fitSource` vs `fitTarget`, and evaluates the
 * mechanism factors on `evaluate` (the source evaluation rows).
 *
 * @throws ReweightingError (function `mechanismWeights`) when a table is empty, lacks a column the graph needs, has
 *   columns of unequal length or non-finite values, when a fitted model's column count is wrong, or when a ratio is
 *   negative, non-finite, or zero in the denominator of a conditional.
 */
export function mechanismWeights(
  graph: CausalGraph,
  fitSource: ColumnTable,
  fitTarget: ColumnTable,
  evaluate: ColumnTable,
  options: MechanismWeightsOptions,
): MechanismWeights {
  const mechanisms = graphMechanisms(graph);
  const columnsOf = (nodes: readonly string[]): string[] => nodeColumnList(nodes, options.nodeColumns);
  const needed = columnsOf(graph.nodes);
  const tables = { fitSource, fitTarget, evaluate };
  for (const [name, table] of Object.entries(tables)) checkColumnTable('mechanismWeights', name, table, needed);
  const models = new Map<string, { model: DensityRatioModel; at: Float64Array }>();
  const ratioAt = (nodes: readonly string[]): Float64Array => {
    const cols = columnsOf(nodes);
    const key = [...cols].sort().join('\u0000');
    let entry = models.get(key);
    if (entry === undefined) {
      const model = options.fitter(tableMatrix(fitSource, cols), tableMatrix(fitTarget, cols));
      if (model.cols !== cols.length) {
        const named = cols.join(', ');
        fail('options.fitter', `returned a model of ${model.cols} columns for the ${cols.length} columns [${named}]`);
      }
      const at = model.ratio(tableMatrix(evaluate, cols));
      for (let r = 0; r < at.length; r++) {
        if (!(at[r]! >= 0) || !Number.isFinite(at[r]!)) {
          fail('options.fitter', `ratio over [${cols.join(', ')}] is ${at[r]} on evaluation row ${r}`);
        }
      }
      entry = { model, at };
      models.set(key, entry);
    }
    return entry.at;
  };
  const factors = mechanisms.map((m) => {
    if (m.parents.length === 0) return Float64Array.from(ratioAt([m.node]));
    const joint = ratioAt([...m.parents, m.node]);
    const marginal = ratioAt(m.parents);
    return joint.map((j, r) => {
      if (marginal[r] === 0) fail('options.fitter', `ratio over the parents of ${m.label} is 0 on evaluation row ${r}`);
      return j / marginal[r]!;
    });
  });
  return { mechanisms, factors, rows: rowCount(evaluate, needed) };
}

/**
 * Importance weights of a coalition: `w_S(x) = Π_{k ∈ S} factors[k](x)` (1 for the empty coalition), optionally clipped
 * to `[1/clip, clip]` as the reference's `clip_weight_thres` (MLforHealth/expl_perf_drop, `explainers.py` line 286).
 */
export function coalitionWeights(weights: MechanismWeights, members: ArrayLike<number>, clip?: number): Float64Array {
  const w = new Float64Array(weights.rows).fill(1);
  weights.factors.forEach((f, k) => {
    if (members[k] !== 1) return;
    for (let r = 0; r < w.length; r++) w[r] = w[r]! * f[r]!;
  });
  if (clip !== undefined) for (let r = 0; r < w.length; r++) w[r] = Math.min(clip, Math.max(1 / clip, w[r]!));
  return w;
}

/** The given columns of a table as a row-major {@link Matrix}. */
export function tableMatrix(table: ColumnTable, columns: readonly string[]): Matrix {
  const rows = rowCount(table, columns);
  const cols = columns.length;
  const data = new Float64Array(rows * cols);
  columns.forEach((name, j) => {
    const column = table[name]!;
    for (let r = 0; r < rows; r++) data[r * cols + j] = column[r]!;
  });
  return { rows, cols, data };
}

/**
 * The columns of `nodes` in order: `nodeColumns[node]`, or `[node]` when absent.
 * @throws ReweightingError (argument `options.nodeColumns`) when a node is given no columns.
 */
export function nodeColumnList(
  nodes: readonly string[],
  nodeColumns?: Readonly<Record<string, readonly string[]>>,
): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    const cols = nodeColumns?.[node] ?? [node];
    if (cols.length === 0) fail('options.nodeColumns', `gives node '${node}' no columns`);
    out.push(...cols);
  }
  return out;
}

/**
 * Checks that `table` has every one of `columns`, at least one row, equal lengths and finite values; returns the row
 * count. @throws ReweightingError from `estimator` naming `name` and the first problem found.
 */
export function checkColumnTable(
  estimator: string,
  name: string,
  table: ColumnTable,
  columns: readonly string[],
): number {
  const fail = (problem: string): never => {
    throw new ReweightingError(estimator, name, problem);
  };
  const missing = columns.filter((c) => table[c] === undefined);
  if (missing.length > 0) {
    fail(`lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} the graph names`);
  }
  const rows = rowCount(table, columns);
  if (rows === 0) fail('has no rows (one group empty)');
  for (const c of columns) {
    const column = table[c]!;
    if (column.length !== rows) fail(`column '${c}' has ${column.length} rows, column '${columns[0]}' has ${rows}`);
    for (let r = 0; r < rows; r++) {
      if (!Number.isFinite(column[r]!)) fail(`column '${c}' row ${r} is ${column[r]}`);
    }
  }
  return rows;
}

function rowCount(table: ColumnTable, columns: readonly string[]): number {
  return columns.length === 0 ? 0 : (table[columns[0]!]?.length ?? 0);
}

function fail(argument: string, problem: string): never {
  throw new ReweightingError('mechanismWeights', argument, problem);
}
