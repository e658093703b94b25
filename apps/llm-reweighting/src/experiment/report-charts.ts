import type { RunDirectory, RunRecord } from '@counterweight/experiment';
import { groupedBarChart, lineChart } from '@counterweight/reports';

import type { LmMethodOptions } from './methods.js';
import type { LmRunResult } from './run-one.js';

type Runs = readonly RunRecord<LmMethodOptions, LmRunResult>[];

/** A chart file and its caption. */
export interface ChartFile {
  readonly caption: string;
  readonly file: string;
}

/** Mean validation estimate of every causal method at every estimate step (over the seeds that have it). */
export function meanCurves(runs: Runs): Array<{ method: string; step: number; tokens: number; loss: number }> {
  const sums = new Map<string, { method: string; step: number; tokens: number; sum: number; n: number }>();
  for (const run of runs) {
    for (const p of run.result.curve) {
      const key = `${run.method}\u0000${p.step}`;
      const entry = sums.get(key) ?? { method: run.method, step: p.step, tokens: p.tokens, sum: 0, n: 0 };
      entry.sum += p.validationLoss;
      entry.n += 1;
      sums.set(key, entry);
    }
  }
  return [...sums.values()].map((e) => ({ method: e.method, step: e.step, tokens: e.tokens, loss: e.sum / e.n }));
}

/** Share of the sampled weights (× batch size, 1 = uniform) in each bin, per method (mean over the seeds' samples). */
export function weightHistogram(runs: Runs, edges: readonly number[] = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, Infinity]): Array<{ bin: string; method: string; share: number }> {
  const rows: Array<{ bin: string; method: string; share: number }> = [];
  const methods = [...new Set(runs.filter((r) => r.result.weights.length > 0).map((r) => r.method))];
  for (const method of methods) {
    const values = runs.filter((r) => r.method === method).flatMap((r) => r.result.weights.flatMap((s) => s.scaledWeights));
    for (let b = 0; b + 1 < edges.length; b += 1) {
      const lo = edges[b] ?? 0;
      const hi = edges[b + 1] ?? Infinity;
      const count = values.filter((v) => v >= lo && v < hi).length;
      rows.push({ bin: hi === Infinity ? `≥ ${lo}` : `${lo}–${hi}`, method, share: values.length === 0 ? 0 : count / values.length });
    }
  }
  return rows;
}

/**
 * The comparison's charts: validation loss against steps and against tokens seen (causal methods; mean over seeds),
 * and the distribution of the reweighting strategies' sample weights.
 */
export async function writeLmCharts(out: RunDirectory, runs: Runs): Promise<ChartFile[]> {
  const charts: ChartFile[] = [];
  const causal = runs.filter((r) => r.result.objective !== 'md4');
  const curves = meanCurves(causal);
  if (curves.length > 0) {
    const title = 'Validation loss against optimiser steps';
    const subtitle = 'mean token cross-entropy (nats) on the fixed validation windows, mean over seeds';
    const file = await out.writeChart('loss-by-step', lineChart({ title, subtitle, data: curves, x: 'step', y: 'loss', series: 'method', xTitle: 'step', yTitle: 'validation loss (nats/token)', points: false, width: 720 }));
    charts.push({ caption: `${title} (${subtitle})`, file });
    const late = curves.filter((p) => p.step >= Math.max(...curves.map((c) => c.step)) / 2);
    const zoomTitle = 'Validation loss over the second half of training';
    const zoom = await out.writeChart('loss-by-step-late', lineChart({ title: zoomTitle, subtitle, data: late, x: 'step', y: 'loss', series: 'method', xTitle: 'step', yTitle: 'validation loss (nats/token)', width: 720 }));
    charts.push({ caption: `${zoomTitle} (${subtitle})`, file: zoom });
    const tokensTitle = 'Validation loss against training tokens seen';
    const byTokens = await out.writeChart('loss-by-tokens', lineChart({ title: tokensTitle, subtitle, data: curves, x: 'tokens', y: 'loss', series: 'method', xTitle: 'training tokens seen', yTitle: 'validation loss (nats/token)', points: false, width: 720 }));
    charts.push({ caption: `${tokensTitle} (${subtitle})`, file: byTokens });
  }
  const histogram = weightHistogram(runs);
  if (histogram.length > 0) {
    const title = 'Distribution of the sample weights';
    const subtitle = 'per-sequence weight × batch size (1 = uniform) after the warm-up, sampled steps, all seeds';
    const file = await out.writeChart('weight-distribution', groupedBarChart({ title, subtitle, data: histogram, category: 'bin', group: 'method', value: 'share', categoryTitle: 'weight × batch size', valueTitle: 'share of sequences', valueFormat: '.0%', labels: false, width: 720 }));
    charts.push({ caption: `${title} (${subtitle})`, file });
  }
  return charts;
}
