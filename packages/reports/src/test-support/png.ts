import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { expect } from 'vitest';

import { renderChartPng } from '../render-chart.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** vega's default categorical colours (tableau10): the first two series. */
export const BLUE: readonly [number, number, number] = [0x4c, 0x78, 0xa8];
export const ORANGE: readonly [number, number, number] = [0xf5, 0x85, 0x18];

export interface PixelSummary {
  readonly width: number;
  readonly height: number;
  /** Share of pixels that are clearly not white. */
  readonly inked: number;
  /** Number of pixels within a small distance of `colour`. */
  near(colour: readonly [number, number, number]): number;
}

export async function inspectPng(png: Buffer): Promise<PixelSummary> {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const metadata = await sharp(png).metadata();
  expect(metadata.format).toBe('png');
  const stats = await sharp(png).stats();
  expect(stats.isOpaque).toBe(true);
  // Not blank: some channel is dark somewhere, and the image is not one flat colour.
  expect(Math.min(...stats.channels.map((c) => c.min))).toBeLessThan(60);
  expect(Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev))).toBeGreaterThan(10);
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = info.width * info.height;
  let inked = 0;
  for (let i = 0; i < data.length; i += 3) {
    if ((data[i] ?? 255) < 200 || (data[i + 1] ?? 255) < 200 || (data[i + 2] ?? 255) < 200) inked += 1;
  }
  return {
    width: info.width,
    height: info.height,
    inked: inked / pixels,
    near(colour) {
      let count = 0;
      for (let i = 0; i < data.length; i += 3) {
        const d = Math.abs((data[i] ?? 0) - colour[0]) + Math.abs((data[i + 1] ?? 0) - colour[1]) + Math.abs((data[i + 2] ?? 0) - colour[2]);
        if (d < 40) count += 1;
      }
      return count;
    },
  };
}

export async function render(spec: TopLevelSpec, scale?: number): Promise<{ png: Buffer; warnings: string[] }> {
  const warnings: string[] = [];
  const png = await renderChartPng(spec, { ...(scale === undefined ? {} : { scale }), onWarning: (m) => warnings.push(m) });
  return { png, warnings };
}

export const history = Array.from({ length: 12 }, (_, i) => ({
  epoch: i + 1,
  'train loss': 0.7 * Math.exp(-i / 4) + 0.1,
  'validation loss': 0.72 * Math.exp(-i / 5) + 0.16,
}));
