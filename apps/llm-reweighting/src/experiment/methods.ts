import type { Method } from '@counterweight/experiment';
import { ConfigError } from '@counterweight/runtime';

import { OBJECTIVE_NAMES } from '../objectives/index.js';

/** A method of the language-model comparison: the objective it trains with (its name is the method's). */
export interface LmMethodOptions {
  readonly objective: string;
}

/** The method every other one is read against: plain cross-entropy (uniform sample weights). */
export const BASELINE_METHOD = 'uniform';

/**
 * The methods of a comparison in the order given; `uniform` is added first when missing (every reading is against it).
 * @throws ConfigError naming `flag` for an unknown or repeated name.
 */
export function lmMethods(names: readonly string[], flag = '--strategies'): Method<LmMethodOptions>[] {
  if (names.length === 0) throw new ConfigError(flag, 'must name at least one method');
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new ConfigError(flag, `names ${twice} twice`);
  const all = names.includes(BASELINE_METHOD) ? names : [BASELINE_METHOD, ...names];
  return all.map((name) => {
    if (!(OBJECTIVE_NAMES as readonly string[]).includes(name)) throw new ConfigError(flag, `unknown method "${name}"; choose from ${OBJECTIVE_NAMES.join(', ')}`);
    return { name, options: { objective: name } };
  });
}
