import type { Matrix } from '../matrix.js';
import { seededRandom } from '../random.js';

/** Columns X and Y of one domain of {@link gaussianShift}. A type alias, so it is a `ColumnTable`. */
export type XyTable = { readonly X: Float64Array; readonly Y: Float64Array };

/** Both domains of {@link gaussianShift}, as column tables and as `[n × 2]` matrices (columns X, Y). */
export interface GaussianShiftData {
  readonly source: XyTable;
  readonly target: XyTable;
  readonly sourceMatrix: Matrix;
  readonly targetMatrix: Matrix;
}

function xyMatrix(t: XyTable): Matrix {
  const data = new Float64Array(t.X.length * 2);
  t.X.forEach((x, r) => {
    data[2 * r] = x;
    data[2 * r + 1] = t.Y[r]!;
  });
  return { rows: t.X.length, cols: 2, data };
}

/**
 * The 2-D Gaussian shift of the shift-attribution tests (X → Y): source `X ~ N(0, 1)`, `Y = X + ε`; target
 * `X ~ N(1, 1)`, `Y = X + 0.8 + ε`; `ε ~ N(0, 1)`. Both mechanisms shift, the domains overlap (no separability),
 * and the log density ratio of (X, Y) is linear. `n` rows per domain, seeded (`seed` and `seed + 1`).
 */
export function gaussianShift(n: number, seed: number): GaussianShiftData {
  const draw = (s: number, xMean: number, yShift: number): XyTable => {
    const random = seededRandom(s);
    const X = Float64Array.from({ length: n }, () => xMean + random.normal());
    return { X, Y: X.map((x) => x + yShift + random.normal()) };
  };
  const source = draw(seed, 0, 0);
  const target = draw(seed + 1, 1, 0.8);
  return { source, target, sourceMatrix: xyMatrix(source), targetMatrix: xyMatrix(target) };
}
