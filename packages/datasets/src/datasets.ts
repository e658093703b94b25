import { ConfigError } from '@counterweight/runtime/base';

import { BANK_MARKETING } from './bank-marketing.js';
import { BEIJING_MULTISITE } from './beijing-multisite.js';
import type { Dataset } from './dataset.js';
import { FASHION_MNIST } from './fashion-mnist.js';
import { OPEN_BANDIT } from './open-bandit.js';
import { TINYSHAKESPEARE } from './tinyshakespeare.js';
import { TINYSTORIES } from './tinystories.js';

/** Every data set the apps use, in the order `all` fetches them. */
export const DATASETS: readonly Dataset[] = [FASHION_MNIST, BEIJING_MULTISITE, OPEN_BANDIT, BANK_MARKETING, TINYSHAKESPEARE, TINYSTORIES];

/** The names {@link DATASETS} knows, for messages and help. */
export const DATASET_NAMES: readonly string[] = DATASETS.map((d) => d.name);

/**
 * The data sets named in `names` (`all` means every one), in registry order, each once.
 * @throws ConfigError naming `dataset` and listing the known names when a name is unknown or none is given.
 */
export function selectDatasets(names: readonly string[]): readonly Dataset[] {
  if (names.length === 0) throw new ConfigError('dataset', `name at least one data set, or all; known: ${DATASET_NAMES.join(', ')}`);
  const unknown = names.filter((n) => n !== 'all' && !DATASET_NAMES.includes(n));
  if (unknown.length > 0) {
    throw new ConfigError('dataset', `unknown data set${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known: ${DATASET_NAMES.join(', ')} (or all)`);
  }
  return names.includes('all') ? DATASETS : DATASETS.filter((d) => names.includes(d.name));
}
