import { ReweightingError } from './reweighting-error.js';

/**
 * A validated directed acyclic graph over named variables, the input of {@link shiftAttribution}. Build it with
 * {@link causalGraph}; `nodes` is a topological order (every parent before its children, ties in declaration order).
 */
export interface CausalGraph {
  /** All variables, parents before children. */
  readonly nodes: readonly string[];
  /** Parents of each node, in declaration order; `[]` for a root. */
  readonly parents: ReadonlyMap<string, readonly string[]>;
  /** The nodes without parents, in topological order. */
  readonly roots: readonly string[];
}

/**
 * One player of the shift-attribution game: the marginal `P(node)` of a root, or the conditional
 * `P(node | parents)` of any other node (Zhang, Singh, Ghassemi and Joshi, ICML 2023, §3).
 */
export interface Mechanism {
  readonly node: string;
  /** Parents of `node`; empty for a root marginal. */
  readonly parents: readonly string[];
  /** `P(node)` or `P(node | p1, p2)`. */
  readonly label: string;
}

/**
 * Builds a {@link CausalGraph} from each variable's parent list, e.g. `causalGraph({ weather: [], pm25: ['weather'] })`
 * for `weather → pm25`. Every variable must be a key (roots map to `[]`).
 *
 * @throws ReweightingError (argument `parents`) on an empty graph, an empty name, a parent that is not a key, a
 *   repeated parent, a self-loop, or a cycle (the message spells the cycle, e.g. `a → b → a`).
 */
export function causalGraph(parents: Readonly<Record<string, readonly string[]>>): CausalGraph {
  const fail = (problem: string): never => {
    throw new ReweightingError('causalGraph', 'parents', problem);
  };
  const declared = Object.keys(parents);
  if (declared.length === 0) fail('is empty: a causal graph needs at least one variable');
  const known = new Set(declared);
  const parentMap = new Map<string, readonly string[]>();
  for (const node of declared) {
    if (node === '') fail('has an empty variable name');
    const list = parents[node] ?? [];
    const seen = new Set<string>();
    for (const p of list) {
      if (!known.has(p)) fail(`names '${p}' as a parent of '${node}', but '${p}' is not a variable of the graph`);
      if (p === node) fail(`has a self-loop on '${node}'`);
      if (seen.has(p)) fail(`lists '${p}' twice as a parent of '${node}'`);
      seen.add(p);
    }
    parentMap.set(node, [...list]);
  }
  const nodes = topologicalOrder(declared, parentMap);
  if (nodes.length < declared.length) {
    fail(`has a cycle: ${findCycle(declared, parentMap, new Set(nodes)).join(' → ')}`);
  }
  return { nodes, parents: parentMap, roots: nodes.filter((n) => parentMap.get(n)!.length === 0) };
}

/** The players of the shift-attribution game: one {@link Mechanism} per node, in the graph's topological order. */
export function graphMechanisms(graph: CausalGraph): Mechanism[] {
  return graph.nodes.map((node) => {
    const parents = graph.parents.get(node) ?? [];
    const label = parents.length === 0 ? `P(${node})` : `P(${node} | ${parents.join(', ')})`;
    return { node, parents, label };
  });
}

/** Kahn's algorithm; repeatedly takes the first declared node whose parents are all placed. Misses nodes on cycles. */
function topologicalOrder(declared: readonly string[], parents: ReadonlyMap<string, readonly string[]>): string[] {
  const placed = new Set<string>();
  const order: string[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (const node of declared) {
      if (placed.has(node) || !parents.get(node)!.every((p) => placed.has(p))) continue;
      placed.add(node);
      order.push(node);
      progress = true;
    }
  }
  return order;
}

/** A cycle among the unplaced nodes, as `[a, b, ..., a]` along edge direction (parent → child). */
function findCycle(
  declared: readonly string[],
  parents: ReadonlyMap<string, readonly string[]>,
  placed: ReadonlySet<string>,
): string[] {
  // Every unplaced node has an unplaced parent; walking parents must revisit a node.
  let node = declared.find((n) => !placed.has(n))!;
  const path: string[] = [];
  const at = new Map<string, number>();
  while (!at.has(node)) {
    at.set(node, path.length);
    path.push(node);
    node = parents.get(node)!.find((p) => !placed.has(p))!;
  }
  return [...path.slice(at.get(node)), node].reverse();
}
