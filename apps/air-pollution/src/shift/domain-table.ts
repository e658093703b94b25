import type { AlignedTable } from '../data/aligned-table.js';
import { parsePeriodDate } from '../data/windows.js';
import type { ShiftDomains } from './shift-domains.js';

/**
 * The table a shift experiment cuts its windows from: only the stations of the two domains (table order), and every
 * value of a test-only station blanked (`NaN`) before its first test input step (`test start − (history − 1)` steps).
 *
 * Why: `makeWindows` standardises with the statistics of the training windows and keeps windows with an observed
 * target, so a test-only station then gives no training window, adds nothing to the scaling, and contributes nothing
 * but its test windows — the model never sees the target domain outside the test inputs. Test windows keep their
 * full history. Copies the blanked series only; the other series are shared with `table`.
 */
export function domainTable(table: AlignedTable, domains: ShiftDomains, history: number): AlignedTable {
  const keep = new Set([...domains.trainStations, ...domains.testStations]);
  const testStart = parsePeriodDate(domains.periods.test.start, '--test-start');
  const cutoff = Math.max(0, Math.ceil((testStart - table.start) / table.stepMs) - (history - 1));
  const stations = table.stations
    .filter((s) => keep.has(s.station))
    .map((series) => {
      if (domains.trainStations.includes(series.station)) return series;
      const values = Object.fromEntries(
        Object.entries(series.values).map(([name, v]) => {
          const copy = Float32Array.from(v);
          copy.fill(Number.NaN, 0, Math.min(cutoff, copy.length));
          return [name, copy];
        }),
      );
      return { station: series.station, values };
    });
  return { ...table, stations, missing: table.missing.filter((m) => keep.has(m.station)) };
}
