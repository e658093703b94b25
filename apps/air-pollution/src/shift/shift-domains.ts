import { ConfigError } from '@counterweight/runtime';

import type { AlignedTable } from '../data/aligned-table.js';
import { defaultPeriods, type Period, type SplitName } from '../data/windows.js';

import type { YearRange } from './year-range.js';

export { parseYearRange, type YearRange } from './year-range.js';

/**
 * The two domains of a shift experiment as the flags give them (JSON data: part of the settings). Stations by name
 * (`--train-stations`, `--test-stations`) and/or calendar years (`--train-years`, `--test-years`); what is left out is
 * filled in by {@link resolveShiftDomains}.
 */
export interface ShiftDomainSpec {
  readonly trainStations?: readonly string[];
  readonly testStations?: readonly string[];
  readonly trainYears?: YearRange;
  readonly testYears?: YearRange;
}

/** Stations of the default station shift (in the embedded sample and the full Beijing data): urban Dongsi → rural Dingling. */
export const DEFAULT_SHIFT_STATIONS = { train: ['Dongsi'], test: ['Dingling'] } as const;

/**
 * The resolved domains: the source domain is `trainStations` over the `train` and `validation` periods (training
 * and early-stopping windows), the target domain is `testStations` over the `test` period.
 */
export interface ShiftDomains {
  /** `stations`: a station shift over the data's default periods; `years`: a shift in time (with the given stations, or all). */
  readonly kind: 'stations' | 'years';
  readonly trainStations: readonly string[];
  readonly testStations: readonly string[];
  readonly periods: Readonly<Record<SplitName, Period>>;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function checkStations(names: readonly string[], known: readonly string[], option: string): void {
  if (names.length === 0) throw new ConfigError(option, 'names no station: the domain would be empty');
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new ConfigError(option, `names ${twice} twice`);
  for (const name of names) {
    if (!known.includes(name)) throw new ConfigError(option, `"${name}" is not a station of the data (its stations: ${known.join(', ')})`);
  }
}

/** The days of `years` the table covers, as `[start, end)` in grid ms, or undefined when it covers none. */
function yearSpan(table: AlignedTable, years: YearRange): { start: number; end: number } | undefined {
  const first = Math.floor(table.start / DAY_MS) * DAY_MS;
  const last = Math.floor((table.start + (table.length - 1) * table.stepMs) / DAY_MS) * DAY_MS + DAY_MS;
  const start = Math.max(first, Date.UTC(years[0], 0, 1));
  const end = Math.min(last, Date.UTC(years[1] + 1, 0, 1));
  return end > start ? { start, end } : undefined;
}

function dataRange(table: AlignedTable): string {
  return `${isoDay(table.start)} to ${isoDay(table.start + (table.length - 1) * table.stepMs)}`;
}

/**
 * Periods of a time shift: the source years' days split into training (the first 85 %) and validation (the last
 * 15 %, at least one day, cut at a day boundary — the app's default validation share), the target years' days as test.
 * @throws ConfigError naming `--train-years`/`--test-years` for a year outside the data, overlapping years, or test
 *   years before the training years (the windows are cut forward in time: train < validation < test).
 */
function yearPeriods(table: AlignedTable, train: YearRange, test: YearRange): Record<SplitName, Period> {
  for (const [option, years] of [
    ['--train-years', train],
    ['--test-years', test],
  ] as const) {
    for (let y = years[0]; y <= years[1]; y++) {
      if (yearSpan(table, [y, y]) === undefined) throw new ConfigError(option, `the data has no day of ${y} (it runs ${dataRange(table)})`);
    }
  }
  if (test[0] <= train[1] && train[0] <= test[1]) {
    throw new ConfigError('--test-years', `${test.join('-')} overlaps --train-years ${train.join('-')}: the domains must be disjoint`);
  }
  if (test[0] < train[0]) throw new ConfigError('--test-years', `${test.join('-')} comes before --train-years ${train.join('-')}: train on the past, test on the future`);
  const source = yearSpan(table, train)!;
  const target = yearSpan(table, test)!;
  const days = (source.end - source.start) / DAY_MS;
  if (days < 2) throw new ConfigError('--train-years', `covers ${days} day of data: too short for training and validation windows`);
  const cut = source.start + Math.max(1, days - Math.max(1, Math.round(days * 0.15))) * DAY_MS;
  return {
    train: { start: isoDay(source.start), end: isoDay(cut) },
    validation: { start: isoDay(cut), end: isoDay(source.end) },
    test: { start: isoDay(target.start), end: isoDay(target.end) },
  };
}

/**
 * Resolves the flags into two domains of the table:
 * - no flag: the default station shift {@link DEFAULT_SHIFT_STATIONS} over the data's default periods;
 * - stations only (both flags needed, disjoint): train stations over the default train/validation periods, test
 *   stations over the default test period;
 * - years (both flags needed): the years' periods (see {@link yearPeriods}), with the given stations (one station flag
 *   alone is used for both domains) or every station of the table.
 * @throws ConfigError naming the flag: an unknown station, an empty or repeated list, overlapping station lists
 *   without years, one year flag without the other, or the year problems of {@link yearPeriods}.
 */
export function resolveShiftDomains(table: AlignedTable, spec: ShiftDomainSpec): ShiftDomains {
  const known = table.stations.map((s) => s.station);
  const years = spec.trainYears !== undefined || spec.testYears !== undefined;
  if (years) {
    if (spec.trainYears === undefined) throw new ConfigError('--train-years', 'is needed with --test-years');
    if (spec.testYears === undefined) throw new ConfigError('--test-years', 'is needed with --train-years');
    const trainStations = spec.trainStations ?? spec.testStations ?? known;
    const testStations = spec.testStations ?? spec.trainStations ?? known;
    checkStations(trainStations, known, '--train-stations');
    checkStations(testStations, known, '--test-stations');
    return { kind: 'years', trainStations: [...trainStations], testStations: [...testStations], periods: yearPeriods(table, spec.trainYears, spec.testYears) };
  }
  const given = spec.trainStations !== undefined || spec.testStations !== undefined;
  if (given && spec.trainStations === undefined) throw new ConfigError('--train-stations', 'is needed with --test-stations (or give --train-years and --test-years)');
  if (given && spec.testStations === undefined) throw new ConfigError('--test-stations', 'is needed with --train-stations (or give --train-years and --test-years)');
  const trainStations = spec.trainStations ?? DEFAULT_SHIFT_STATIONS.train;
  const testStations = spec.testStations ?? DEFAULT_SHIFT_STATIONS.test;
  checkStations(trainStations, known, '--train-stations');
  checkStations(testStations, known, '--test-stations');
  const shared = testStations.filter((s) => trainStations.includes(s));
  if (shared.length > 0) {
    throw new ConfigError('--test-stations', `${shared.join(', ')} ${shared.length === 1 ? 'is' : 'are'} also in --train-stations: the domains must be disjoint (give --train-years/--test-years for a shift in time)`);
  }
  return { kind: 'stations', trainStations: [...trainStations], testStations: [...testStations], periods: defaultPeriods(table) };
}
