import { describe, expect, it } from 'vitest';

import { reliabilityDiagram } from './reliability-diagram.js';
import { BLUE, ORANGE, inspectPng, render } from './test-support/png.js';

describe('reliabilityDiagram', () => {
  it('renders a reliability diagram with two series and bin counts', async () => {
    const bins = ['plain', 'focal'].flatMap((series, k) =>
      Array.from({ length: 10 }, (_, i) => ({ predicted: (i + 0.5) / 10, observed: ((i + 0.5) / 10) ** (k === 0 ? 1.6 : 1.1), count: 100 + i, series })),
    );
    const { png, warnings } = await render(reliabilityDiagram({ title: 'Calibration', bins }));
    expect(warnings).toEqual([]);
    const summary = await inspectPng(png);
    // Square plot 360 x 360 at scale 2, plus axes and legend.
    expect(summary.height).toBeGreaterThan(720);
    expect(summary.near(BLUE)).toBeGreaterThan(500);
    expect(summary.near(ORANGE)).toBeGreaterThan(500);
    const single = await render(reliabilityDiagram({ title: 'One model', bins: bins.slice(0, 10).map(({ predicted, observed }) => ({ predicted, observed })) }));
    expect(single.warnings).toEqual([]);
    expect((await inspectPng(single.png)).near(BLUE)).toBeGreaterThan(500);
  });

  it('rejects a probability outside [0, 1], naming the bin', () => {
    expect(() => reliabilityDiagram({ title: 't', bins: [{ predicted: 1.2, observed: 0.5 }] })).toThrow('bins[0].predicted');
  });
});
