import { describe, expect, it } from 'vitest';

import { fitPresto, fitProportionalOdds } from './presto.js';
import { cvPresto, prestoLambdaMax } from './presto-path.js';
import { prestoCumulativeLogits } from './presto-predict.js';
import { prestoReferenceAssembly } from './presto-reference-assembly.js';
import { sparseDifferencesData } from './presto-synthetic.js';
import { prestoErrors } from './test-support/presto-errors.js';

describe('prestoReferenceAssembly', () => {
  // Covariates with non-zero means and unequal scales, so that the intercept shift matters.
  const data = sparseDifferencesData({ seed: 11, n: 800, p: 4, intercepts: [0, 2, 3.5], devProb: 0.5 });
  const x = data.x.map((row) => row.map((v, c) => 2 + c + (c + 1) * v));

  it("predicts with ψ_k as boundary k's coefficients on the standardised scale, as the reference's coef(matrix = TRUE)", () => {
    const model = fitPresto(x, data.y, { lambda: 0.1 * prestoLambdaMax(x, data.y) });
    const reference = prestoReferenceAssembly(model);
    const { center, scale } = model.standardization ?? { center: new Float64Array(0), scale: new Float64Array(0) };
    const eta = prestoCumulativeLogits(reference, x);
    const fitted = prestoCumulativeLogits(model, x);
    // gregfaletto/presto `ordinalNet modified/ordinalNet.R` lines 447–455: intercept_i − ψ_i·xMeans/xSD, ψ_i/xSD;
    // `ordinalNet-methods.R` lines 122–126 and 181: η = [1, x]·[intercepts; ψ blocks side by side].
    x.forEach((row, i) => {
      for (let k = 0; k < 3; k += 1) {
        let expected = model.standardized.intercepts[k] ?? 0;
        row.forEach((v, c) => (expected += ((v - (center[c] ?? 0)) / (scale[c] ?? 1)) * (model.standardized.differences[k]?.[c] ?? 0)));
        expect(Math.abs((eta[i]?.[k] ?? 0) - expected)).toBeLessThan(1e-9);
      }
      // Boundary 1 is assembled right (ψ_1 = β_1).
      expect(Math.abs((eta[i]?.[0] ?? 0) - (fitted[i]?.[0] ?? 0))).toBeLessThan(1e-9);
    });
    // From boundary 2 on it is not (β_1 ≠ 0 here).
    expect(Math.max(...x.map((_, i) => Math.abs((eta[i]?.[2] ?? 0) - (fitted[i]?.[2] ?? 0))))).toBeGreaterThan(0.1);
    expect(Array.from(reference.coefficients[0] ?? [])).toEqual(Array.from(model.coefficients[0] ?? []));
  });

  it('accepts only standardised PRESTO fits', () => {
    expect(() => prestoReferenceAssembly(fitProportionalOdds(x, data.y))).toThrow(
      /prestoReferenceAssembly: argument 'model' must be a fitPresto model/,
    );
    expect(() => prestoReferenceAssembly(fitPresto(x, data.y, { lambda: 0.01, standardize: false, maxIterations: 50 }))).toThrow(
      /prestoReferenceAssembly: argument 'model' must be fitted with standardize: true/,
    );
    expect(() => cvPresto(x, data.y, { standardize: false, foldAssembly: 'reference' })).toThrow(/'options.foldAssembly' 'reference' needs standardize: true/);
  });
});

describe("the size of the reference's assembly error on the §4.1 design", () => {
  it('changes the cross-validated Brier scores and the chosen λ', () => {
    const data = sparseDifferencesData({ seed: 1 });
    const ours = cvPresto(data.x, data.y, { tolerance: 1e-6 });
    const reference = cvPresto(data.x, data.y, { tolerance: 1e-6, foldAssembly: 'reference' });
    const oursErrors = prestoErrors(ours.model, data);
    const referenceErrors = prestoErrors(reference.model, data);
    const best = (r: typeof ours): number => Math.min(...r.brier);
    console.info("PRESTO CV, §4.1 design (seed 1): fold models as fitted vs as the reference assembles them");
    console.info(`  λ: ${ours.lambdas.map((l) => l.toExponential(2)).join(' ')}`);
    console.info(`  Brier (fitted):    ${Array.from(ours.brier, (b) => b.toFixed(5)).join(' ')}`);
    console.info(`  Brier (reference): ${Array.from(reference.brier, (b) => b.toFixed(5)).join(' ')}`);
    console.info(`  chosen λ: fitted ${ours.lambda.toExponential(3)}, reference ${reference.lambda.toExponential(3)}`);
    console.info(`  refit at the chosen λ: ‖Δβ_K‖² ${oursErrors.beta.toFixed(4)} vs ${referenceErrors.beta.toFixed(4)}; rare-prob MSE ${oursErrors.mse.toExponential(3)} vs ${referenceErrors.mse.toExponential(3)}`);
    console.info(`  best mean Brier: ${best(ours).toFixed(5)} vs ${best(reference).toFixed(5)}`);
    // Same λ sequence and folds; near λ_max the fold models are (almost) intercept-only and the assemblies agree.
    expect(reference.lambdas).toEqual(ours.lambdas);
    expect(Math.abs((reference.brier[0] ?? 0) - (ours.brier[0] ?? 0))).toBeLessThan(1e-4);
    // At small λ, β_1 ≠ 0 and the reference's boundaries 2 and 3 miss it: its Brier score is worse by > 1e-3
    // (measured: 2.3e-3 at 0.01·λ_max), its minimum moves to a larger λ (4.38e-3 against 2.70e-3).
    const last = ours.lambdas.length - 1;
    expect((reference.brier[last] ?? 0) - (ours.brier[last] ?? 0)).toBeGreaterThan(1e-3);
    expect(reference.lambda).toBeGreaterThan(ours.lambda);
  });
});
