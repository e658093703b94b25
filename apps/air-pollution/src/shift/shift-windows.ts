import { ConfigError } from '@counterweight/runtime';

import type { AlignedTable } from '../data/aligned-table.js';
import type { ForecastWindows, WindowSplit } from '../data/forecast-windows.js';
import { makeWindows } from '../data/windows.js';
import { domainTable } from './domain-table.js';
import type { ShiftDomains } from './shift-domains.js';
import { windowRows } from './window-rows.js';

/** How the windows are cut (the `compare` flags `--history`, `--horizons`, `--stride`). */
export interface ShiftWindowOptions {
  readonly history: number;
  readonly horizons: readonly number[];
  readonly stride: number;
}

/** The windows of a shift experiment. */
export interface ShiftWindows {
  /**
   * `train` and `validation`: the source domain (train stations, train and validation periods); `test`: the target
   * domain (test stations, test period). Scaling from the source training windows only.
   */
  readonly windows: ForecastWindows;
  /**
   * The source stations over the test period, when they are not test stations (a station shift): the in-domain
   * reference for the target error. Undefined for a time shift.
   */
  readonly sourceTest: WindowSplit | undefined;
  readonly domains: ShiftDomains;
}

/**
 * Cuts the windows of both domains with the app's `makeWindows` on {@link domainTable} (domain stations only, test-only
 * stations blanked before their test inputs), then keeps train/validation windows of train stations and test windows
 * of test stations (the other test windows, of train-only stations, are {@link ShiftWindows.sourceTest}).
 * @throws ConfigError from `makeWindows` (a period without windows), or naming `--train-stations`/`--test-stations`
 *   when a domain keeps no window, or when a test-only station would reach the training windows (validation period
 *   shorter than the history).
 */
export function shiftWindows(table: AlignedTable, domains: ShiftDomains, options: ShiftWindowOptions): ShiftWindows {
  const cut = makeWindows(domainTable(table, domains, options.history), { history: options.history, horizons: options.horizons, stride: options.stride, periods: domains.periods });
  const isTrain = cut.stations.map((s) => domains.trainStations.includes(s));
  const isTest = cut.stations.map((s) => domains.testStations.includes(s));
  for (let i = 0; i < cut.train.count; i++) {
    if (isTrain[cut.train.station[i]!] !== true) {
      throw new ConfigError('--test-stations', `${cut.stations[cut.train.station[i]!]} has training windows: the validation period is shorter than the ${options.history}-step history`);
    }
  }
  const validation = windowRows(cut.validation, (i) => isTrain[cut.validation.station[i]!] === true);
  const test = windowRows(cut.test, (i) => isTest[cut.test.station[i]!] === true);
  const sourceOnly = windowRows(cut.test, (i) => isTest[cut.test.station[i]!] !== true);
  const { periods } = domains;
  if (validation.count === 0) {
    throw new ConfigError('--train-stations', `${domains.trainStations.join(', ')} ${domains.trainStations.length === 1 ? 'has' : 'have'} no validation window with an observed target in ${periods.validation.start} – ${periods.validation.end}`);
  }
  if (test.count === 0) {
    throw new ConfigError('--test-stations', `${domains.testStations.join(', ')} ${domains.testStations.length === 1 ? 'has' : 'have'} no test window with an observed target in ${periods.test.start} – ${periods.test.end}`);
  }
  return { windows: { ...cut, validation, test }, sourceTest: sourceOnly.count === 0 ? undefined : sourceOnly, domains };
}
