import { ConfigError, deriveSeed } from '@counterweight/runtime';

import type { AuctionSet } from '../data/auction-set.js';
import { loadBankMarketing } from '../data/bank-marketing.js';
import { loadCriteo } from '../data/criteo.js';
import { loadOpenBandit, type ObdCampaign } from '../data/open-bandit.js';
import type { OffPolicyLog } from '../data/off-policy-log.js';
import { splitAuctions, standardizeSplits } from '../data/splits.js';
import { generateSyntheticAuctions, type SyntheticGenerator } from '../data/synthetic.js';
import { loadTableInput } from '../data/table-input.js';

/** Where a comparison's auctions come from (`--data`). */
export type DataSource =
  | { readonly kind: 'synthetic'; readonly generator: SyntheticGenerator; readonly auctions: number; readonly candidates: number }
  | { readonly kind: 'obd'; readonly campaign: ObdCampaign; readonly dir?: string; readonly candidates: number }
  | { readonly kind: 'bank'; readonly path?: string; readonly candidates: number }
  | { readonly kind: 'criteo'; readonly path: string; readonly candidates: number; readonly skipMalformed: boolean; readonly limit?: number }
  | { readonly kind: 'file'; readonly path: string; readonly columns: string; readonly candidates: number };

/** The train / validation / test auctions of one comparison, shared by all its runs. */
export interface CtrData {
  readonly train: AuctionSet;
  readonly validation: AuctionSet;
  readonly test: AuctionSet;
  /** What the data is, for the report (source, sizes, skipped lines). */
  readonly description: string;
  /** Logged bandit feedback of the test period (Open Bandit): the model's allocations are also estimated off-policy. */
  readonly offPolicy?: OffPolicyLog;
}

/** Holds out 10 % of the training auctions as validation (seeded), keeping the given test set. */
function withValidation(train: AuctionSet, test: AuctionSet, seed: number): Pick<CtrData, 'train' | 'validation' | 'test'> {
  const split = splitAuctions(train, { fractions: { train: 0.9, validation: 0.1, test: 0 }, seed: deriveSeed(seed, 'validation') });
  return { train: split.train, validation: split.validation, test };
}

/**
 * Loads a comparison's train / validation / test auctions from `source`, seeded by `seed`:
 *
 * - `synthetic`: independent draws of the generator for train (`auctions`), validation (a fifth of it) and test
 *   (`auctions`), each with its own derived seed; true CTRs known, so welfare is exact.
 * - `obd`: Open Bandit (random policy) impressions split by the loader into train/test, 10 % of train held out for
 *   validation; the test impressions also come as an off-policy log (every item a candidate) for IPS estimates.
 * - `bank`: UCI Bank Marketing rows cut into auctions of `candidates` (bids 1), split 80/10/10.
 * - `criteo`: a file in the Criteo Display Advertising format (vocabulary with min count 10 fitted on the file,
 *   consecutive rows grouped into auctions, seeded log-normal bids), split 80/10/10 by auction; malformed lines fail
 *   with their line number, or are skipped and counted with `skipMalformed`.
 * - `file`: an Arrow / Parquet / CSV table with a column-mapping file, split 80/10/10 by auction.
 */
export async function prepareData(source: DataSource, seed: number): Promise<CtrData> {
  switch (source.kind) {
    case 'synthetic': {
      const draw = (auctions: number, part: string): AuctionSet =>
        generateSyntheticAuctions({ generator: source.generator, seed: deriveSeed(seed, part), auctions, candidates: source.candidates });
      const train = draw(source.auctions, 'synthetic-train');
      return {
        train,
        validation: draw(Math.max(200, Math.round(source.auctions / 5)), 'synthetic-validation'),
        test: draw(source.auctions, 'synthetic-test'),
        description: `synthetic auctions, generator ${source.generator} (true CTRs known), ${source.candidates} candidates each`,
      };
    }
    case 'obd': {
      const obd = await loadOpenBandit({
        campaign: source.campaign,
        seed,
        candidates: source.candidates,
        ...(source.dir === undefined ? {} : { dir: source.dir }),
      });
      return {
        ...withValidation(obd.train, obd.test, seed),
        offPolicy: obd.testLog,
        description:
          `Open Bandit Dataset (ZOZOTOWN, random policy, ${source.campaign} campaign): ${obd.rows} logged impressions, ${obd.clicks} clicks, ` +
          `${obd.items} items; value per click exp(item_feature_0); logged impressions grouped into auctions of ${source.candidates}`,
      };
    }
    case 'bank': {
      const bank = await loadBankMarketing({ seed, candidates: source.candidates, ...(source.path === undefined ? {} : { path: source.path }) });
      return {
        train: bank.train,
        validation: bank.validation,
        test: bank.test,
        description: `UCI Bank Marketing (${bank.rows} clients, ${bank.positives} subscriptions; duration dropped), random groups of ${source.candidates} as auctions, bids 1`,
      };
    }
    case 'criteo': {
      const criteo = await loadCriteo(source.path, {
        seed,
        candidates: source.candidates,
        skipMalformed: source.skipMalformed,
        ...(source.limit === undefined ? {} : { limit: source.limit }),
      });
      const splits = splitAuctions(criteo.set, { seed });
      const skipped = criteo.malformed.count === 0 ? '' : `; ${criteo.malformed.count} malformed line(s) skipped (first: ${criteo.malformed.firstLines.join(', ')})`;
      return {
        train: splits.train,
        validation: splits.validation,
        test: splits.test,
        description: `Criteo-format file ${source.path}: ${criteo.rows} rows, ${criteo.clicks} clicks, consecutive groups of ${source.candidates} with synthetic log-normal bids${skipped}`,
      };
    }
    case 'file': {
      if (source.columns === '') throw new ConfigError('--columns', 'is required with --data FILE: a JSON column-mapping file');
      const { set } = await loadTableInput(source.path, { mapping: source.columns, candidates: source.candidates });
      const splits = standardizeSplits(splitAuctions(set, { seed }));
      return {
        train: splits.train,
        validation: splits.validation,
        test: splits.test,
        description: set.description,
      };
    }
  }
}
