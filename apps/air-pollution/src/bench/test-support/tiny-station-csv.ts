// Test-only: small station tables in the Beijing CSV layout.
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

const HEADER = 'No,year,month,day,hour,PM2.5,PM10,SO2,NO2,CO,O3,TEMP,PRES,DEWP,RAIN,wd,WSPM,station';
const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];

/**
 * Writes `hours` hourly rows of one station from 2013-03-01 00:00 in the Beijing layout (gzip when the path ends in
 * `.gz`): smooth made-up values, every 13th PM2.5 and every 17th wind direction `NA`.
 */
export async function writeTinyStationCsv(path: string, station: string, hours: number): Promise<void> {
  const lines = [HEADER];
  for (let k = 0; k < hours; k += 1) {
    const time = new Date(Date.UTC(2013, 2, 1, k));
    const pm = k % 13 === 5 ? 'NA' : String(40 + 30 * Math.sin(k / 7) + station.length);
    const wd = k % 17 === 3 ? 'NA' : COMPASS[k % COMPASS.length];
    const values = [pm, 60 + (k % 9), 5 + (k % 4), 30 + (k % 11), 700 + 10 * (k % 5), 50 + (k % 8), (k % 24) - 5, 1010 + (k % 6), -10 + (k % 7), k % 19 === 0 ? 0.5 : 0];
    lines.push([k + 1, time.getUTCFullYear(), time.getUTCMonth() + 1, time.getUTCDate(), time.getUTCHours(), ...values, wd, 1 + (k % 3) * 0.4, station].join(','));
  }
  const text = `${lines.join('\n')}\n`;
  await writeFile(path, path.endsWith('.gz') ? gzipSync(text) : text);
}
