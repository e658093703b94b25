import { LossArgumentError, md4Schedule, type Md4Schedule, type Md4ScheduleOptions } from '@counterweight/core-losses';
import { ConfigError } from '@counterweight/runtime';

/**
 * core-losses' `md4Schedule` of an option value, its errors turned into a `ConfigError` naming `<option>.type` or
 * `<option>.eps`. @throws ConfigError for an unknown type or an ε outside [0, 0.5).
 */
export function md4ScheduleOption(value: Md4ScheduleOptions | undefined, option: string): Md4Schedule {
  try {
    return md4Schedule(value ?? {});
  } catch (error) {
    if (error instanceof LossArgumentError) {
      const field = error.argument.replace(/^options\./, '');
      throw new ConfigError(`${option}.${field}`, error.message.replace(/^md4Schedule: argument '[^']*' /, ''));
    }
    throw error;
  }
}
