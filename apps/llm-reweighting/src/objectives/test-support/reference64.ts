// Test-only: independent float64 computations of the objectives, in plain JavaScript, and a finite-difference gradient.

/** Logits `[B][T][V]`. */
export type Logits3 = number[][][];

export function logSoftmax(row: readonly number[]): number[] {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  return row.map((v) => v - lse);
}

export function logSumExp(row: readonly number[]): number {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
}

/** Token CE −log p[y] (undefined for ignored targets). */
export function tokenCe(row: readonly number[], y: number): number {
  return -(logSoftmax(row)[y] ?? Number.NaN);
}

/** Mean CE over targets ≠ −100. */
export function meanCe(x: Logits3, y: number[][]): number {
  let sum = 0;
  let n = 0;
  x.forEach((seq, b) => seq.forEach((row, t) => {
    const target = y[b]?.[t] ?? -100;
    if (target !== -100) {
      sum += tokenCe(row, target);
      n += 1;
    }
  }));
  return sum / n;
}

/** Sow et al.'s weights from sequence losses (all active), strategy f, temperature r. */
export function sowWeights(losses: readonly number[], f: (h: number) => number, r: number): number[] {
  const lo = Math.min(...losses);
  const hi = Math.max(...losses);
  const den = Math.max(hi - lo, 1e-6);
  const fs = losses.map((l) => f((2 * l - (hi + lo)) / den));
  const top = Math.max(...fs);
  const g = fs.map((v) => Math.exp((v - top) / r));
  const sum = g.reduce((a, v) => a + v, 0);
  return g.map((v) => v / sum);
}

/** Per-sequence mean CE and scored-token counts. */
export function sequenceLosses(x: Logits3, y: number[][]): { losses: number[]; tokens: number[] } {
  const losses: number[] = [];
  const tokens: number[] = [];
  x.forEach((seq, b) => {
    let sum = 0;
    let n = 0;
    seq.forEach((row, t) => {
      const target = y[b]?.[t] ?? -100;
      if (target !== -100) {
        sum += tokenCe(row, target);
        n += 1;
      }
    });
    losses.push(sum / Math.max(n, 1));
    tokens.push(n);
  });
  return { losses, tokens };
}

/** B · Σ w_i (n_i/Σn) l_i with the weights held constant at `weights`. */
export function reweighted(x: Logits3, y: number[][], weights: readonly number[]): number {
  const { losses, tokens } = sequenceLosses(x, y);
  const total = tokens.reduce((a, v) => a + v, 0);
  return losses.reduce((a, l, i) => a + x.length * (weights[i] ?? 0) * ((tokens[i] ?? 0) / total) * l, 0);
}

/** Mean NTL over digit targets plus mean CE: CE + λ·NTL. */
export function ceWithNtl(x: Logits3, y: number[][], digits: readonly number[], lambda: number, variant: 'was' | 'mse'): number {
  let ntl = 0;
  let n = 0;
  x.forEach((seq, b) => seq.forEach((row, t) => {
    const target = y[b]?.[t] ?? -100;
    const d = digits.indexOf(target);
    if (target === -100 || d < 0) return;
    const lp = logSoftmax(digits.map((id) => row[id] ?? 0));
    const p = lp.map(Math.exp);
    ntl += variant === 'was' ? p.reduce((a, pk, k) => a + pk * Math.abs(k - d), 0) : (p.reduce((a, pk, k) => a + pk * k, 0) - d) ** 2;
    n += 1;
  }));
  return meanCe(x, y) + lambda * (n === 0 ? 0 : ntl / n);
}

/** Mean over scored tokens of (1/a)·softplus(a·(b − z_c)). */
export function sphericalZ(x: Logits3, y: number[][], a: number, b0: number): number {
  let sum = 0;
  let n = 0;
  x.forEach((seq, b) => seq.forEach((row, t) => {
    const target = y[b]?.[t] ?? -100;
    if (target === -100) return;
    const mu = row.reduce((s, v) => s + v, 0) / row.length;
    const sigma = Math.sqrt(row.reduce((s, v) => s + (v - mu) ** 2, 0) / row.length);
    const z = ((row[target] ?? 0) - mu) / sigma;
    sum += Math.log1p(Math.exp(a * (b0 - z))) / a;
    n += 1;
  }));
  return sum / n;
}

/** Mean over scored tokens of CE + c·(log Z)². */
export function logPartition(x: Logits3, y: number[][], c: number): number {
  let sum = 0;
  let n = 0;
  x.forEach((seq, b) => seq.forEach((row, t) => {
    const target = y[b]?.[t] ?? -100;
    if (target === -100) return;
    sum += tokenCe(row, target) + c * logSumExp(row) ** 2;
    n += 1;
  }));
  return sum / n;
}

/** MD4: mean_b w_b Σ_n m_bn CE_bn / (T ln 2). */
export function md4Elbo(x: Logits3, y: number[][], masked: number[][], w: readonly number[]): number {
  const T = x[0]?.length ?? 1;
  const per = x.map((seq, b) => (w[b] ?? 0) * seq.reduce((a, row, t) => a + (masked[b]?.[t] ?? 0) * tokenCe(row, y[b]?.[t] ?? 0), 0) / (T * Math.LN2));
  return per.reduce((a, v) => a + v, 0) / per.length;
}

/** Central finite differences of `f` at flat `values` (float64), step h. */
export function numericGradient(f: (values: number[]) => number, values: readonly number[], h = 1e-5): number[] {
  return values.map((_, i) => {
    const plus = [...values];
    const minus = [...values];
    plus[i] = (plus[i] ?? 0) + h;
    minus[i] = (minus[i] ?? 0) - h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/** Reshapes flat values into `[B][T][V]`. */
export function reshape3(values: readonly number[], B: number, T: number, V: number): Logits3 {
  return Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => values.slice((b * T + t) * V, (b * T + t + 1) * V)));
}

/** Deterministic pseudo-random numbers in [−scale, scale) (a small LCG; test data only). */
export function testValues(count: number, seed: number, scale = 2): number[] {
  let s = seed >>> 0;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 * scale - scale;
  });
}
