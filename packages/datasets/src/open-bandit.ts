import type { Dataset, DatasetFile } from './dataset.js';

/**
 * Raw GitHub folder of the Open Bandit Dataset sample in `st-tech/zr-obp` (the same blobs as `obp/dataset/obd/`), at
 * the commit SOURCES.md §5 names.
 */
export const OBD_BASE_URL = 'https://raw.githubusercontent.com/st-tech/zr-obp/8cbd5fa4558b7ad2ba4781546d6604e4cc3e07c4/obd/';

const obd = (path: string, size: number | undefined, sha256: string): DatasetFile => ({
  name: path,
  check: size === undefined ? { sha256 } : { sha256, size },
  sources: [{ url: `${OBD_BASE_URL}${path}` }],
});

/**
 * The Open Bandit Dataset's small sample (ZOZO; Saito et al. 2020): the `random` and `bts` logs of the men and women
 * campaigns with every item_context, checked by SOURCES.md §5's `sha256(raw)`, and the two `all.csv` logs, which are
 * not in the shared data (over its size limit) and are checked by their git blob ids.
 */
export const OPEN_BANDIT: Dataset = {
  name: 'open-bandit',
  title: 'Open Bandit Dataset (sample)',
  folder: 'open-bandit-dataset',
  origin: 'ZOZO, Inc.; Saito, Aihara, Matsutani, Narita (2020), arXiv:2008.07146',
  licence: 'CC BY 4.0 (stated for the data release; the repository is Apache-2.0)',
  usedBy: ['ctr-ranking'],
  files: [
    obd('random/men/men.csv', 3_336_811, 'ede6d08c6877f99cd3770f7d09e26c738e6aa6de4445ccccfb1356ba5d06b1eb'),
    obd('random/women/women.csv', 3_817_771, 'e65f3bd3beb17664fa69cc129bf7bf852a775f8ffa630506e505fc905315bb34'),
    obd('bts/men/men.csv', 3_240_432, 'db6d1f7ed2d591ba521533e45286d4c1fba7fe57a8ad2e80342210335f43c527'),
    obd('bts/women/women.csv', 3_722_697, 'e5d1b49a39b608585a2f3014a3f54970430cd37a495c1b73fceb85cdf428a5b8'),
    obd('random/all/item_context.csv', 10_041, 'eba04cc23d5f130a93ff174c5392986882b94c3839433cb8143870eaa6221358'),
    obd('random/men/item_context.csv', 4_287, '6d855c2b7e917d0448d71bbe62c023147495882c0fdc8c41e86fef86abf9fe09'),
    obd('random/women/item_context.csv', 5_792, 'b1ca4905f97703d196004f2ad4552c1e90c2afad8b50688d333b0d2dc0b33147'),
    obd('bts/all/item_context.csv', 10_041, '5d4359ba1cfa3ae88f0f1bae66bd633859fe6323817183632ee57b83539d9153'),
    obd('bts/men/item_context.csv', 4_287, '3b411ed6b0471316321a6b93f4f756bb25888eac6218cd71d0b603d41d85732d'),
    obd('bts/women/item_context.csv', 5_792, 'a56295bad066a558eb783055afd9279f5f4e209a4776eafc22151c53f0ac89d4'),
    { name: 'random/all/all.csv', check: { gitBlob: '8ff22a297ec374cc4bfa9cc857d819da3bb9ab97' }, sources: [{ url: `${OBD_BASE_URL}random/all/all.csv` }], local: false },
    { name: 'bts/all/all.csv', check: { gitBlob: '6ac7a0573c8514dec0a9bb0d9ee60825dba5c80f' }, sources: [{ url: `${OBD_BASE_URL}bts/all/all.csv` }], local: false },
  ],
  localCopies: [{ kind: 'shared' }],
};
