/** The forecasters of this app: a multilayer perceptron over the flattened history, or a small temporal convolution. */
export const FORECAST_MODEL_KINDS = ['mlp', 'tcn'] as const;
/** One of {@link FORECAST_MODEL_KINDS}. */
export type ForecastModelKind = (typeof FORECAST_MODEL_KINDS)[number];

/** Architecture options of a forecaster (JSON data: it goes into the comparison's settings). */
export interface ForecastModelConfig {
  readonly kind: ForecastModelKind;
  /** Width of the shared trunk's hidden layers (MLP units, or TCN channels). */
  readonly hidden: number;
  /** Hidden layers of the shared trunk (MLP) or convolution blocks (TCN). */
  readonly layers: number;
  /** Hidden units of each head's one hidden layer (AirCast: one head for weather, one for pollutants). */
  readonly headHidden: number;
  /** TCN kernel width (steps); ignored by the MLP. */
  readonly kernelSize: number;
}

/** What the data and the objective fix about a forecaster's shape. */
export interface ForecastModelShape {
  /** Input steps per window. */
  readonly history: number;
  /** Input features per step. */
  readonly features: number;
  /** Outputs of the weather head (0: no weather head, e.g. a pollutant-only table). */
  readonly weatherOutputs: number;
  /** Outputs of the pollutant head (≥ 1). */
  readonly pollutantOutputs: number;
}
