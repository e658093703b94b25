import { SeededRandom } from '@counterweight/runtime';

/**
 * The hourly covariates of the synthetic series, named and ordered like the Beijing multi-site air-quality columns
 * (UCI data set 501, `../shared/data/beijing-multisite-air-quality`; the wind direction and rain columns left out).
 */
export const FORECAST_COVARIATES = ['PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3', 'TEMP', 'PRES', 'DEWP', 'WSPM'] as const;

/** The forecast targets: two pollutants and one weather variable, next hour. */
export const FORECAST_TARGETS = ['PM2.5', 'NO2', 'TEMP'] as const;

/** Hours of history in one input window. */
export const FORECAST_WINDOW = 24;

/** Windows of a series: inputs `[rows, window·covariates]` (hour-major) and next-hour targets `[rows, targets]`. */
export interface ForecastWindows {
  readonly rows: number;
  /** Standardised covariates of hours t … t + 23, hour-major: `inputs[r·240 + h·10 + c]`. */
  readonly inputs: Float32Array;
  /** Standardised {@link FORECAST_TARGETS} at hour t + 24: `targets[r·3 + k]`. */
  readonly targets: Float32Array;
}

/** Standardises column `c` of a `[hours, width]` row-major array in place (mean 0, standard deviation 1). */
function standardizeColumn(values: Float32Array, width: number, c: number): void {
  const hours = values.length / width;
  let sum = 0;
  for (let t = 0; t < hours; t += 1) sum += values[t * width + c] ?? 0;
  const mean = sum / hours;
  let squares = 0;
  for (let t = 0; t < hours; t += 1) squares += ((values[t * width + c] ?? 0) - mean) ** 2;
  const std = Math.sqrt(squares / hours) || 1;
  for (let t = 0; t < hours; t += 1) values[t * width + c] = ((values[t * width + c] ?? 0) - mean) / std;
}

/**
 * A seeded synthetic hourly series with the shape and the skew of the Beijing air-quality data (for a step-time
 * bench the values only need the right shapes and a realistic, right-skewed target distribution): a slow weather
 * factor w (AR(1), ρ = 0.98) and a pollution factor a (AR(1), ρ = 0.95, pushed up by low w) plus a daily cycle; the
 * pollutants are log-normal in them (PM2.5 = e^{4 + 0.9a}, …), temperature, pressure and dew point linear. Every
 * covariate is standardised over the series; windows of 24 hours predict the next hour's PM2.5, NO2 and TEMP.
 * @param rows number of windows (consecutive, stride one hour).
 */
export function forecastWindows(rows: number, seed: number): ForecastWindows {
  const random = SeededRandom.fromSeed(seed, 'loss-bench', 'forecast-series');
  const width = FORECAST_COVARIATES.length;
  const hours = rows + FORECAST_WINDOW;
  const series = new Float32Array(hours * width);
  let w = 0;
  let a = 0;
  for (let t = 0; t < hours; t += 1) {
    w = 0.98 * w + 0.2 * random.normal();
    a = 0.95 * a - 0.05 * w + 0.3 * random.normal();
    const day = Math.sin((2 * Math.PI * (t % 24)) / 24);
    const noise = (std: number): number => std * random.normal();
    const temp = 10 * w + 5 * day + noise(1);
    const row = [
      Math.exp(4 + 0.9 * a + noise(0.2)), // PM2.5
      Math.exp(4.4 + 0.8 * a + noise(0.3)), // PM10
      Math.exp(2 + 0.6 * a - 0.3 * w + noise(0.4)), // SO2
      Math.exp(3.6 + 0.5 * a + 0.3 * day + noise(0.3)), // NO2
      Math.exp(7 + 0.7 * a + noise(0.3)), // CO
      Math.exp(3.5 - 0.4 * a + 0.8 * day + noise(0.3)), // O3
      temp,
      1012 - 8 * w + noise(2), // PRES
      temp - 8 - Math.exp(1 + noise(0.5)), // DEWP
      Math.exp(0.5 - 0.3 * a + noise(0.4)), // WSPM
    ];
    series.set(row, t * width);
  }
  for (let c = 0; c < width; c += 1) standardizeColumn(series, width, c);
  const targetColumns = FORECAST_TARGETS.map((name) => FORECAST_COVARIATES.indexOf(name));
  const inputs = new Float32Array(rows * FORECAST_WINDOW * width);
  const targets = new Float32Array(rows * targetColumns.length);
  for (let r = 0; r < rows; r += 1) {
    inputs.set(series.subarray(r * width, (r + FORECAST_WINDOW) * width), r * FORECAST_WINDOW * width);
    targetColumns.forEach((c, k) => {
      targets[r * targetColumns.length + k] = series[(r + FORECAST_WINDOW) * width + c] ?? Number.NaN;
    });
  }
  return { rows, inputs, targets };
}

/** Column `k` of a `[rows, width]` row-major array. */
export function column(values: Float32Array, width: number, k: number): Float32Array {
  return Float32Array.from({ length: values.length / width }, (_, r) => values[r * width + k] ?? Number.NaN);
}
