import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';

import { ConfigError, parseJsonBytes } from '@counterweight/runtime';


/**
 * How the time of a row is written: one column with a strict format, or separate year/month/day(/hour) columns.
 *
 * Formats are built from the tokens `YYYY` (4-digit year), `MM` (2-digit month), `DD` (2-digit day), `HH` (2-digit
 * hour, 00–23), `mm` (minute), `ss` (second) and the literal characters `-`, `/`, `.`, `:`, ` ` and `T`, e.g.
 * `YYYY-MM-DD HH:mm`, `YYYY-MM-DD`, `DD/MM/YYYY`. Parsing is strict: every field must have exactly its width and be a
 * real calendar value (`2013-02-30` and `25:00` are rejected). `ISO` accepts ISO 8601 dates and date-times without a
 * zone offset or with `Z` (`2013-03-01`, `2013-03-01T05:00`, `2013-03-01T05:00:00Z`); the time is read as wall clock.
 */
export type TimeMapping =
  | { readonly column: string; readonly format: string }
  | { readonly year: string; readonly month: string; readonly day: string; readonly hour?: string };

/** How a wind-direction column is written: 16-point compass strings (`N`, `NNE`, …, `NNW`) or degrees (0–360). */
export interface WindDirectionMapping {
  readonly column: string;
  readonly encoding: 'compass' | 'degrees';
}

/** Fields shared by both layouts. */
interface MappingBase {
  readonly time: TimeMapping;
  /** Units by variable name (`"PM2.5": "µg/m³"`); optional, reported as given. */
  readonly units: Readonly<Record<string, string>>;
  /** Cell texts that mean "missing" (besides an empty cell). Default `["NA"]`. */
  readonly missing: readonly string[];
  /** CSV field delimiter; absent → detected by DuckDB. Ignored for Parquet and Arrow. */
  readonly delimiter?: string;
}

/** One row per station and time: a station column, the time, and one column per variable. */
export interface LongMapping extends MappingBase {
  readonly layout: 'long';
  /** Column holding the station name. */
  readonly station: string;
  /** Target pollutant columns (forecast by the pollutant head), at least one. */
  readonly pollutants: readonly string[];
  /** Numeric weather covariate columns (inputs, and targets of the weather head); may be empty. */
  readonly weather: readonly string[];
  readonly windDirection?: WindDirectionMapping;
}

/** One row per time and one column per station, all holding the same pollutant (no weather). */
export interface WideMapping extends MappingBase {
  readonly layout: 'wide';
  /** The one variable every station column holds (a pollutant, e.g. `PM10`). */
  readonly pollutant: string;
  /** Station columns; absent → every column except the time column(s). */
  readonly stations?: readonly string[];
}

/** A validated column mapping of a station table (see `data/README.md` for the JSON format with examples). */
export type StationTableMapping = LongMapping | WideMapping;

/** Missing-value texts used when a mapping does not list any. */
export const DEFAULT_MISSING: readonly string[] = ['NA'];

/** The UCI Beijing Multi-Site Air-Quality table (Zhang et al., 2017): long layout, time in year/month/day/hour columns. */
export const BEIJING_MAPPING: LongMapping = {
  layout: 'long',
  station: 'station',
  time: { year: 'year', month: 'month', day: 'day', hour: 'hour' },
  pollutants: ['PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3'],
  weather: ['TEMP', 'PRES', 'DEWP', 'RAIN', 'WSPM'],
  windDirection: { column: 'wd', encoding: 'compass' },
  units: {
    'PM2.5': 'µg/m³',
    PM10: 'µg/m³',
    SO2: 'µg/m³',
    NO2: 'µg/m³',
    CO: 'µg/m³',
    O3: 'µg/m³',
    TEMP: '°C',
    PRES: 'hPa',
    DEWP: '°C',
    RAIN: 'mm',
    WSPM: 'm/s',
  },
  missing: ['NA'],
};

const FORMAT_TOKENS = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss'] as const;
const FORMAT_LITERALS = new Set(['-', '/', '.', ':', ' ', 'T']);

/**
 * Splits a time format into tokens and literal characters, or returns why it is not valid (unknown token, a token
 * twice, no year, month and day).
 */
export function tokenizeTimeFormat(format: string): readonly string[] | string {
  if (format === 'ISO') return ['ISO'];
  const parts: string[] = [];
  let i = 0;
  while (i < format.length) {
    const token = FORMAT_TOKENS.find((t) => format.startsWith(t, i));
    if (token !== undefined) {
      if (parts.includes(token)) return `token ${token} appears twice`;
      parts.push(token);
      i += token.length;
    } else {
      const ch = format[i] ?? '';
      if (!FORMAT_LITERALS.has(ch)) return `unexpected "${ch}" at position ${i + 1} (tokens: ${FORMAT_TOKENS.join(', ')}, ISO; separators: - / . : space T)`;
      parts.push(ch);
      i += 1;
    }
  }
  for (const needed of ['YYYY', 'MM', 'DD']) if (!parts.includes(needed)) return `has no ${needed}`;
  if (parts.includes('mm') && !parts.includes('HH')) return 'has minutes (mm) but no hour (HH)';
  if (parts.includes('ss') && !parts.includes('mm')) return 'has seconds (ss) but no minutes (mm)';
  return parts;
}

/** Names the file and JSON key path of a mapping problem. */
function fail(file: string, path: string, message: string): never {
  throw new ConfigError(`${file}: ${path}`, message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown, file: string, path: string): string {
  if (typeof value !== 'string' || value === '') fail(file, path, `must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function stringList(value: unknown, file: string, path: string, minLength: number): string[] {
  if (!Array.isArray(value)) fail(file, path, `must be an array of column names, got ${JSON.stringify(value)}`);
  if (value.length < minLength) fail(file, path, `must list at least ${minLength} column(s)`);
  const out = value.map((v, i) => nonEmptyString(v, file, `${path}[${i}]`));
  const seen = new Set<string>();
  out.forEach((name, i) => {
    if (seen.has(name)) fail(file, `${path}[${i}]`, `"${name}" is listed twice`);
    seen.add(name);
  });
  return out;
}

function checkKeys(value: Record<string, unknown>, allowed: readonly string[], file: string, path: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(file, path === '' ? key : `${path}.${key}`, `unknown key (allowed: ${allowed.join(', ')})`);
  }
}

function parseTime(value: unknown, file: string): TimeMapping {
  if (!isRecord(value)) fail(file, 'time', `must be an object {"column", "format"} or {"year", "month", "day", "hour"?}, got ${JSON.stringify(value)}`);
  if ('column' in value || 'format' in value) {
    checkKeys(value, ['column', 'format'], file, 'time');
    const column = nonEmptyString(value['column'], file, 'time.column');
    const format = nonEmptyString(value['format'], file, 'time.format');
    const tokens = tokenizeTimeFormat(format);
    if (typeof tokens === 'string') fail(file, 'time.format', `"${format}" ${tokens}`);
    return { column, format };
  }
  checkKeys(value, ['year', 'month', 'day', 'hour'], file, 'time');
  const year = nonEmptyString(value['year'], file, 'time.year');
  const month = nonEmptyString(value['month'], file, 'time.month');
  const day = nonEmptyString(value['day'], file, 'time.day');
  if (value['hour'] === undefined) return { year, month, day };
  return { year, month, day, hour: nonEmptyString(value['hour'], file, 'time.hour') };
}

/** The column names a time mapping reads. */
export function timeColumns(time: TimeMapping): readonly string[] {
  if ('column' in time) return [time.column];
  return [time.year, time.month, time.day, ...(time.hour === undefined ? [] : [time.hour])];
}

/** Every column a mapping reads, with the JSON key path that names it (for "unknown mapped column" errors). */
export function mappedColumns(mapping: StationTableMapping): readonly { readonly column: string; readonly key: string }[] {
  const time =
    'column' in mapping.time
      ? [{ column: mapping.time.column, key: 'time.column' }]
      : (['year', 'month', 'day', 'hour'] as const).flatMap((k) => {
          const column = (mapping.time as Record<string, string | undefined>)[k];
          return column === undefined ? [] : [{ column, key: `time.${k}` }];
        });
  if (mapping.layout === 'wide') return [...time, ...(mapping.stations ?? []).map((column, i) => ({ column, key: `stations[${i}]` }))];
  return [
    { column: mapping.station, key: 'station' },
    ...time,
    ...mapping.pollutants.map((column, i) => ({ column, key: `pollutants[${i}]` })),
    ...mapping.weather.map((column, i) => ({ column, key: `weather[${i}]` })),
    ...(mapping.windDirection === undefined ? [] : [{ column: mapping.windDirection.column, key: 'windDirection.column' }]),
  ];
}

/**
 * Validates a column mapping (parsed JSON) and fills its defaults (`weather: []`, `units: {}`, `missing: ["NA"]`).
 * @param json the parsed JSON value.
 * @param file the mapping file's name, used in error messages.
 * @throws ConfigError whose option is `<file>: <JSON key path>` (e.g. `mapping.json: pollutants[2]`) for a missing or
 *   ill-typed key, an unknown key, an invalid time format, a column mapped twice, or a unit for an unmapped variable.
 */
export function parseMapping(json: unknown, file: string): StationTableMapping {
  if (!isRecord(json)) fail(file, '(root)', `must be a JSON object, got ${JSON.stringify(json)}`);
  const layout = json['layout'];
  if (layout !== 'long' && layout !== 'wide') fail(file, 'layout', `must be "long" or "wide", got ${JSON.stringify(layout)}`);
  const common = ['layout', 'time', 'units', 'missing', 'delimiter'];
  checkKeys(json, layout === 'long' ? [...common, 'station', 'pollutants', 'weather', 'windDirection'] : [...common, 'pollutant', 'stations'], file, '');
  const time = parseTime(json['time'], file);
  const missing = json['missing'] === undefined ? DEFAULT_MISSING : parseMissing(json['missing'], file);
  let delimiter: string | undefined;
  if (json['delimiter'] !== undefined) {
    delimiter = nonEmptyString(json['delimiter'], file, 'delimiter');
    if (delimiter.length !== 1) fail(file, 'delimiter', `must be one character, got ${JSON.stringify(delimiter)}`);
  }
  const unitsValue = json['units'] ?? {};
  if (!isRecord(unitsValue)) fail(file, 'units', `must be an object {"variable": "unit"}, got ${JSON.stringify(unitsValue)}`);
  const units: Record<string, string> = {};
  for (const [name, unit] of Object.entries(unitsValue)) units[name] = nonEmptyString(unit, file, `units.${name}`);

  let mapping: StationTableMapping;
  let variables: string[];
  if (layout === 'long') {
    const station = nonEmptyString(json['station'], file, 'station');
    const pollutants = stringList(json['pollutants'], file, 'pollutants', 1);
    const weather = json['weather'] === undefined ? [] : stringList(json['weather'], file, 'weather', 0);
    let windDirection: WindDirectionMapping | undefined;
    const wd = json['windDirection'];
    if (wd !== undefined) {
      if (!isRecord(wd)) fail(file, 'windDirection', `must be an object {"column", "encoding": "compass" | "degrees"}, got ${JSON.stringify(wd)}`);
      checkKeys(wd, ['column', 'encoding'], file, 'windDirection');
      const encoding = wd['encoding'];
      if (encoding !== 'compass' && encoding !== 'degrees') fail(file, 'windDirection.encoding', `must be "compass" or "degrees", got ${JSON.stringify(encoding)}`);
      windDirection = { column: nonEmptyString(wd['column'], file, 'windDirection.column'), encoding };
    }
    mapping = { layout, station, time, pollutants, weather, units, missing, ...(windDirection === undefined ? {} : { windDirection }), ...(delimiter === undefined ? {} : { delimiter }) };
    variables = [...pollutants, ...weather];
  } else {
    const pollutant = nonEmptyString(json['pollutant'], file, 'pollutant');
    const stations = json['stations'] === undefined ? undefined : stringList(json['stations'], file, 'stations', 1);
    mapping = { layout, pollutant, time, units, missing, ...(stations === undefined ? {} : { stations }), ...(delimiter === undefined ? {} : { delimiter }) };
    variables = [pollutant];
  }
  const seen = new Map<string, string>();
  for (const { column, key } of mappedColumns(mapping)) {
    const before = seen.get(column);
    if (before !== undefined) fail(file, key, `column "${column}" is already mapped by ${before}`);
    seen.set(column, key);
  }
  for (const name of Object.keys(units)) {
    if (!variables.includes(name)) fail(file, `units.${name}`, `is not a mapped variable (${variables.join(', ')})`);
  }
  return mapping;
}

function parseMissing(value: unknown, file: string): string[] {
  if (!Array.isArray(value)) fail(file, 'missing', `must be an array of strings, got ${JSON.stringify(value)}`);
  return value.map((v, i) => {
    if (typeof v !== 'string') fail(file, `missing[${i}]`, `must be a string, got ${JSON.stringify(v)}`);
    return v;
  });
}

/** Pollutant variable names of a mapping, in mapping order. */
export function mappingPollutants(mapping: StationTableMapping): readonly string[] {
  return mapping.layout === 'long' ? mapping.pollutants : [mapping.pollutant];
}

/** Weather variable names of a mapping (none for a wide table). */
export function mappingWeather(mapping: StationTableMapping): readonly string[] {
  return mapping.layout === 'long' ? mapping.weather : [];
}

/**
 * Reads and validates a mapping JSON file ({@link parseMapping}); errors name the file's base name and the key path.
 * @throws ConfigError naming the file when it is missing, a folder, empty, not UTF-8 text (the offending byte's line,
 *   column and offset, never the bytes themselves), or not valid JSON (line, column and what was expected there), or the mapping is
 *   invalid (the JSON key path).
 */
export function readMappingFile(path: string): StationTableMapping {
  const name = basename(path);
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new ConfigError(name, `${path} is a folder, not a mapping file (a JSON object; see data/README.md)`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(name, `cannot read the mapping file ${path}: ${code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
  const json = parseJsonBytes(bytes, 'a JSON object');
  if (json.problem !== undefined) throw new ConfigError(name, `${json.problem} (a mapping is a JSON object; see data/README.md)`);
  return parseMapping(json.value, name);
}
