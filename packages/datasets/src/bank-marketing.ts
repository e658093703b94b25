import type { ArchiveSource, Dataset } from './dataset.js';

/** UCI's download of data set 222 (Bank Marketing): a zip holding `bank.zip` and `bank-additional.zip`. */
export const BANK_MARKETING_URL = 'https://archive.ics.uci.edu/static/public/222/bank+marketing.zip';
/** Git blob id of that zip (SOURCES.md §6: the copy the shared data was extracted from is the UCI download). */
export const BANK_MARKETING_ZIP_BLOB = '85a34edca848cb486c5610b15e8e47ed8b369df6';

const ZIP: ArchiveSource = { url: BANK_MARKETING_URL, check: { gitBlob: BANK_MARKETING_ZIP_BLOB } };

/**
 * UCI Bank Marketing (Moro, Cortez, Rita 2014), the `bank-additional` files `ctr-ranking` reads: extracted from UCI's
 * zip (checked by its git blob id) and the `bank-additional.zip` inside it, checked by SOURCES.md §6's `sha256(raw)`.
 */
export const BANK_MARKETING: Dataset = {
  name: 'bank-marketing',
  title: 'UCI Bank Marketing (bank-additional)',
  folder: 'uci-bank-marketing',
  origin: 'UCI ML Repository id 222 (doi:10.24432/C5K306); Moro, Cortez, Rita (2014), Decision Support Systems 62:22-31',
  licence: 'CC BY 4.0',
  usedBy: ['ctr-ranking'],
  files: [
    {
      name: 'bank-additional-full.csv',
      check: { sha256: '74adfc578bf77a7ff4bb1ba4a9f8709d9e3c6907342959c2c8416847e0afb4d8', size: 5_834_924 },
      sources: [{ archive: ZIP, members: ['bank-additional.zip', 'bank-additional/bank-additional-full.csv'] }],
    },
    {
      name: 'bank-additional.csv',
      check: { sha256: '7e59cf650004d65d1c9d6b08553bad2ee9a9ad70d594f536e3c584ee6ed5df50', size: 583_898 },
      sources: [{ archive: ZIP, members: ['bank-additional.zip', 'bank-additional/bank-additional.csv'] }],
    },
  ],
  localCopies: [{ kind: 'shared' }],
};
