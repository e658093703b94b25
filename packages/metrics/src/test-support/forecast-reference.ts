import { readFileSync } from 'node:fs';

/** Errors as forecast-reference.py writes them (`null` when no sample is selected). */
export interface ReferenceErrors {
  readonly count: number;
  readonly weight: number;
  readonly mae: number;
  readonly mse: number;
  readonly rmse: number;
  readonly meanError: number;
}

/** One detection table; an undefined score is `null` in the JSON. */
export interface ReferenceDetection {
  readonly threshold: number;
  readonly hits: number;
  readonly falseAlarms: number;
  readonly misses: number;
  readonly correctNegatives: number;
  readonly pod: number | null;
  readonly far: number | null;
  readonly csi: number | null;
  readonly frequencyBias: number | null;
}

/** One seeded case of forecast-reference.json. */
export interface ForecastReferenceCase {
  readonly seed: number;
  /** Observations; `null` = missing. */
  readonly targets: (number | null)[];
  readonly predictions: number[];
  readonly persistence: number[];
  readonly weights: number[];
  readonly groups: string[];
  readonly errors: ReferenceErrors;
  readonly weightedErrors: ReferenceErrors;
  readonly groupErrors: Record<string, ReferenceErrors>;
  readonly skillWeighted: { readonly mse: number; readonly mae: number; readonly rmse: number };
  readonly extremes: Record<'75.0' | '150.0', ReferenceErrors>;
  readonly topDecile: ReferenceErrors & { readonly threshold: number };
  readonly quantile90: number;
  readonly detection: ReferenceDetection[];
  readonly levels: number[];
  readonly quantiles: number[][];
  readonly intervalCoverage: number;
  readonly quantileCoverage: number[];
}

/**
 * Float64 NumPy values from the definitions (test-support/forecast-reference.py, run with NumPy 2.4.6 and Python
 * 3.11.7; the versions are recorded in the JSON).
 */
export const forecastReference = JSON.parse(readFileSync(new URL('./forecast-reference.json', import.meta.url), 'utf8')) as {
  numpy: string;
  cases: ForecastReferenceCase[];
};

/** The case's targets with NaN for the missing ones (the form a parsed table or tensor has). */
export function targetsWithNaN(c: ForecastReferenceCase): number[] {
  return c.targets.map((v) => v ?? Number.NaN);
}
