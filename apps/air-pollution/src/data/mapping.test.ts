import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError } from '@counterweight/runtime';
import { afterAll, describe, expect, it } from 'vitest';

import { BEIJING_MAPPING, mappedColumns, parseMapping, readMappingFile, tokenizeTimeFormat } from './mapping.js';
import { removeTempDirs, tempDir } from './test-support/temp.js';

afterAll(removeTempDirs);

const long = {
  layout: 'long',
  station: 'site',
  time: { column: 'date', format: 'YYYY-MM-DD HH:mm' },
  pollutants: ['pm25', 'pm10'],
  weather: ['temp'],
  windDirection: { column: 'wd', encoding: 'degrees' },
  units: { pm25: 'µg/m³' },
  missing: ['NA', '-999'],
};

describe('parseMapping', () => {
  it('accepts the Beijing mapping as JSON and fills defaults', () => {
    const parsed = parseMapping(JSON.parse(JSON.stringify(BEIJING_MAPPING)) as unknown, 'beijing.json');
    expect(parsed).toEqual(BEIJING_MAPPING);
    expect(mappedColumns(BEIJING_MAPPING).map((c) => c.column)).toEqual(['station', 'year', 'month', 'day', 'hour', 'PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3', 'TEMP', 'PRES', 'DEWP', 'RAIN', 'WSPM', 'wd']);
    const wide = parseMapping({ layout: 'wide', time: { column: 'date', format: 'YYYY-MM-DD' }, pollutant: 'PM10' }, 'w.json');
    expect(wide).toEqual({ layout: 'wide', time: { column: 'date', format: 'YYYY-MM-DD' }, pollutant: 'PM10', units: {}, missing: ['NA'] });
    expect(parseMapping(long, 'm.json')).toMatchObject({ weather: ['temp'], missing: ['NA', '-999'] });
  });

  it('names the file and the JSON key path of each problem', () => {
    const bad = (patch: Record<string, unknown>) => () => parseMapping({ ...long, ...patch }, 'm.json');
    expect(bad({ pollutants: ['pm25', 3] })).toThrow('m.json: pollutants[1]: must be a non-empty string, got 3');
    expect(bad({ pollutants: [] })).toThrow('m.json: pollutants: must list at least 1 column(s)');
    expect(bad({ time: { column: 'date', format: 'YYYY-MM-DD hh' } })).toThrow('m.json: time.format: "YYYY-MM-DD hh" unexpected "h" at position 12');
    expect(bad({ time: { year: 'y', month: 'm' } })).toThrow('m.json: time.day: must be a non-empty string');
    expect(bad({ colour: 'red' })).toThrow('m.json: colour: unknown key');
    expect(bad({ windDirection: { column: 'wd', encoding: 'radians' } })).toThrow('m.json: windDirection.encoding: must be "compass" or "degrees"');
    expect(bad({ weather: ['pm10'] })).toThrow('m.json: weather[0]: column "pm10" is already mapped by pollutants[1]');
    expect(bad({ units: { nope: 'x' } })).toThrow('m.json: units.nope: is not a mapped variable');
    expect(bad({ layout: 'tall' })).toThrow('m.json: layout: must be "long" or "wide"');
    expect(() => parseMapping([], 'm.json')).toThrow(ConfigError);
  });

  it('tokenizes strict time formats', () => {
    expect(tokenizeTimeFormat('YYYY-MM-DDTHH:mm:ss')).toEqual(['YYYY', '-', 'MM', '-', 'DD', 'T', 'HH', ':', 'mm', ':', 'ss']);
    expect(tokenizeTimeFormat('DD/MM/YYYY')).toEqual(['DD', '/', 'MM', '/', 'YYYY']);
    expect(tokenizeTimeFormat('YYYY-MM')).toBe('has no DD');
    expect(tokenizeTimeFormat('YYYY-MM-DD mm')).toBe('has minutes (mm) but no hour (HH)');
  });

  it('reads a mapping file and names it in errors', async () => {
    const dir = await tempDir('mapping');
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify(long));
    expect(readMappingFile(good).layout).toBe('long');
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"layout": ');
    expect(() => readMappingFile(broken)).toThrow(/^broken\.json: not valid JSON/);
    expect(() => readMappingFile(join(dir, 'none.json'))).toThrow('none.json: cannot read the mapping file');
  });
});
