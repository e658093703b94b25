import { describe, expect, it } from 'vitest';

import { causalGraph, graphMechanisms } from './causal-graph.js';
import { ReweightingError } from './reweighting-error.js';

describe('causalGraph', () => {
  it('orders parents before children and finds the roots', () => {
    // Declared child-first on purpose: Y ← X ← W, Y ← Z.
    const g = causalGraph({ Y: ['X', 'Z'], X: ['W'], Z: [], W: [] });
    expect(g.roots).toEqual(['Z', 'W']);
    const position = new Map(g.nodes.map((n, i) => [n, i]));
    for (const [child, ps] of g.parents) {
      for (const p of ps) expect(position.get(p)!).toBeLessThan(position.get(child)!);
    }
    expect(g.nodes).toHaveLength(4);
    expect(g.parents.get('Y')).toEqual(['X', 'Z']);
  });

  it('lists one mechanism per node: marginals for roots, conditionals for the rest', () => {
    const labels = graphMechanisms(causalGraph({ weather: [], pm25: ['weather'], no2: ['weather', 'pm25'] })).map(
      (m) => m.label,
    );
    expect(labels).toEqual(['P(weather)', 'P(pm25 | weather)', 'P(no2 | weather, pm25)']);
  });

  it('rejects unknown parents, self-loops, repeated parents and an empty graph, naming the problem', () => {
    expect(() => causalGraph({ Y: ['X'] })).toThrow(/'X' is not a variable/);
    expect(() => causalGraph({ X: ['X'] })).toThrow(/self-loop on 'X'/);
    expect(() => causalGraph({ X: [], Y: ['X', 'X'] })).toThrow(/'X' twice/);
    expect(() => causalGraph({})).toThrow(ReweightingError);
  });

  it('rejects a cycle and spells it along the edges', () => {
    let error: unknown;
    try {
      causalGraph({ R: [], A: ['C', 'R'], B: ['A'], C: ['B'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReweightingError);
    expect((error as ReweightingError).argument).toBe('parents');
    const cycle = /has a cycle: (.*)$/.exec((error as Error).message)![1]!.split(' → ');
    expect(cycle[0]).toBe(cycle[cycle.length - 1]);
    expect(new Set(cycle)).toEqual(new Set(['A', 'B', 'C']));
    // Each consecutive pair is an edge parent → child.
    const parents: Record<string, string[]> = { A: ['C', 'R'], B: ['A'], C: ['B'] };
    for (let i = 0; i + 1 < cycle.length; i++) expect(parents[cycle[i + 1]!]).toContain(cycle[i]);
  });
});
