/**
 * Options of {@link minimizeSimplexQuadratic}. Defaults: 10,000 iterations, Frank–Wolfe gap tolerance 1e-10 × the
 * largest |Q_ij| (absolute: the gap bounds f(w) − min f).
 */
export interface SimplexQpOptions {
  readonly maxIterations?: number;
  readonly tolerance?: number;
  /** Starting point (must lie on the simplex); default the uniform vector 1/m. */
  readonly start?: Float64Array;
}

/** The minimiser found by {@link minimizeSimplexQuadratic}. */
export interface SimplexQpResult {
  /** w on the simplex {w ≥ 0, Σw = 1}, length m. */
  readonly weights: Float64Array;
  /** f(w) = wᵀQw − 2bᵀw. */
  readonly objective: number;
  /** Frank–Wolfe duality gap ∇f(w)ᵀw − min_i ∇f(w)_i ≥ f(w) − f*: a certificate of optimality. */
  readonly gap: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Minimises f(w) = wᵀQw − 2bᵀw over the probability simplex {w ∈ ℝᵐ : w ≥ 0, Σ w = 1}, with Q (m × m, row-major,
 * symmetric positive semi-definite) — the kernel-balancing QP. Accelerated projected gradient (FISTA, Beck &
 * Teboulle 2009) with step 1/L, L = 2·max_i Σ_j |Q_ij| (a Gershgorin bound on 2λ_max(Q)), the exact Euclidean
 * projection onto the simplex (Duchi, Shalev-Shwartz, Singer & Chandra 2008), and an adaptive restart of the momentum
 * whenever f increases (O'Donoghue & Candès 2015). Stops when the Frank–Wolfe gap, checked every 10 iterations,
 * falls below `tolerance`. Cost O(m²) per iteration.
 */
export function minimizeSimplexQuadratic(
  q: Float64Array,
  b: Float64Array,
  options: SimplexQpOptions = {},
): SimplexQpResult {
  const m = b.length;
  const maxIterations = options.maxIterations ?? 10_000;
  let qMax = 0;
  let lipschitz = 0;
  for (let i = 0; i < m; i++) {
    let row = 0;
    for (let j = 0; j < m; j++) {
      const v = Math.abs(q[i * m + j]!);
      row += v;
      if (v > qMax) qMax = v;
    }
    if (row > lipschitz) lipschitz = row;
  }
  lipschitz *= 2;
  const tolerance = options.tolerance ?? 1e-10 * qMax;
  let w: Float64Array = options.start ? Float64Array.from(options.start) : new Float64Array(m).fill(1 / m);
  if (lipschitz === 0) {
    // Q = 0: f is linear, minimised at the vertex of the largest b_i.
    let best = 0;
    for (let i = 1; i < m; i++) if (b[i]! > b[best]!) best = i;
    w = new Float64Array(m);
    w[best] = 1;
    return { weights: w, objective: -2 * b[best]!, gap: 0, iterations: 0, converged: true };
  }
  // Q·y is kept as the same combination of Q·w and Q·next as y itself, so each iteration costs one product.
  let qw: Float64Array = new Float64Array(m);
  multiply(q, w, qw);
  let y = Float64Array.from(w);
  let qy = Float64Array.from(qw);
  const step = new Float64Array(m);
  let qNext: Float64Array = new Float64Array(m);
  let t = 1;
  let fPrev = objectiveFrom(w, qw, b);
  let iterations = 0;
  let gap = Infinity;
  for (; iterations < maxIterations; iterations++) {
    for (let i = 0; i < m; i++) step[i] = y[i]! - (2 * (qy[i]! - b[i]!)) / lipschitz;
    const next = projectOntoSimplex(step);
    multiply(q, next, qNext);
    const f = objectiveFrom(next, qNext, b);
    if (f > fPrev && t > 1) {
      // Restart: drop the momentum and take a plain projected-gradient step from w next.
      t = 1;
      y = Float64Array.from(w);
      qy = Float64Array.from(qw);
      continue;
    }
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const beta = (t - 1) / tNext;
    for (let i = 0; i < m; i++) {
      y[i] = next[i]! + beta * (next[i]! - w[i]!);
      qy[i] = qNext[i]! + beta * (qNext[i]! - qw[i]!);
    }
    [qw, qNext] = [qNext, qw];
    w = next;
    t = tNext;
    fPrev = f;
    if (iterations % 10 === 9) {
      gap = frankWolfeGap(w, qw, b);
      if (gap <= tolerance) {
        iterations++;
        break;
      }
    }
  }
  qw = new Float64Array(m);
  multiply(q, w, qw);
  gap = frankWolfeGap(w, qw, b);
  return { weights: w, objective: objectiveFrom(w, qw, b), gap, iterations, converged: gap <= tolerance };
}

/**
 * The Euclidean projection of v onto the probability simplex: w_i = max(v_i − θ, 0) with θ chosen so Σ w = 1
 * (sort-based, O(m log m); Duchi et al. 2008).
 */
export function projectOntoSimplex(v: Float64Array): Float64Array {
  const m = v.length;
  const sorted = Float64Array.from(v).sort().reverse();
  let cumulative = 0;
  let theta = 0;
  for (let k = 0; k < m; k++) {
    cumulative += sorted[k]!;
    const candidate = (cumulative - 1) / (k + 1);
    if (sorted[k]! - candidate > 0) theta = candidate;
  }
  const w = new Float64Array(m);
  for (let i = 0; i < m; i++) w[i] = Math.max(v[i]! - theta, 0);
  return w;
}

function multiply(q: Float64Array, v: Float64Array, out: Float64Array): void {
  const m = v.length;
  for (let i = 0; i < m; i++) {
    let s = 0;
    const row = i * m;
    for (let j = 0; j < m; j++) s += q[row + j]! * v[j]!;
    out[i] = s;
  }
}

function objectiveFrom(w: Float64Array, qw: Float64Array, b: Float64Array): number {
  let f = 0;
  for (let i = 0; i < w.length; i++) f += w[i]! * (qw[i]! - 2 * b[i]!);
  return f;
}

function frankWolfeGap(w: Float64Array, qw: Float64Array, b: Float64Array): number {
  let inner = 0;
  let min = Infinity;
  for (let i = 0; i < w.length; i++) {
    const g = 2 * (qw[i]! - b[i]!);
    inner += g * w[i]!;
    if (g < min) min = g;
  }
  return inner - min;
}
