// Its own module, free of tfjs: the command line parses --train-years and --test-years with it before any
// training code loads.
import { ConfigError } from '@counterweight/runtime/base';

/** An inclusive range of calendar years, `[first, last]`. */
export type YearRange = readonly [number, number];

/**
 * Parses `2016` or `2013-2015` into an inclusive year range.
 * @throws ConfigError naming `option` for anything else or a reversed range.
 */
export function parseYearRange(text: string, option: string): YearRange {
  const m = /^(\d{4})(?:-(\d{4}))?$/.exec(text.trim());
  if (m === null) throw new ConfigError(option, `expected a year (2016) or a range of years (2013-2015), got "${text}"`);
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  if (last < first) throw new ConfigError(option, `the range ${text} runs backwards`);
  return [first, last];
}
