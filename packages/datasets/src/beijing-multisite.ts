import type { Dataset } from './dataset.js';

/** Raw GitHub folder the Beijing CSVs are downloaded from: `Peiris94-dev/Beijing-Multi-Site-Air-Quality-Analysis` at the commit SOURCES.md §1 names. */
export const BEIJING_BASE_URL = 'https://raw.githubusercontent.com/Peiris94-dev/Beijing-Multi-Site-Air-Quality-Analysis/0aa46c055fcca7da49ebac9329435ffe674b74c3/';

/** One Beijing station: its name, the SHA-256 and size of its CSV, and the SHA-256 of the shared `.csv.gz` copy (SOURCES.md §1). */
export interface BeijingStation {
  readonly station: string;
  readonly sha256: string;
  readonly size: number;
  readonly sha256Gz: string;
}

/** The twelve stations of the UCI Beijing Multi-Site Air-Quality data, with SOURCES.md §1's checksums. */
export const BEIJING_STATIONS: readonly BeijingStation[] = [
  { station: 'Aotizhongxin', size: 2_835_916, sha256Gz: '28a5b697f46d2e7780a41cf4077e7b60cf3629a9ea90c8084a586ad7dac1a4d5', sha256: 'a94fbcfc71708b6ffdc033360163d91efb7f675e496f6b5860929aa96b96351b' },
  { station: 'Changping', size: 2_722_295, sha256Gz: '338044e897f877d704fcaf460adb3695721ab26bde5dbb8d5fcb12eb19e07ab1', sha256: 'a2e21402a6d95fb7043f87959e6e3dcbecb957aac356a6f8028a85b047c772e7' },
  { station: 'Dingling', size: 2_675_856, sha256Gz: '441e0b941e6916df524083c73eb1d2e06cad13cfc1f9ddb6e16bcaca1eb1cee3', sha256: '3d8dff81f18a80d9f455876a785642bffe1e9b9924ec1e6b7ce8cca790432eeb' },
  { station: 'Dongsi', size: 2_636_684, sha256Gz: '9143e9bdf9c8cc31fe7c996fed90aa4299f6baed07f5c808b92c930cbecbdedc', sha256: '9c0020214425e5ee2a64d42f97a1f632e1d8f6b53ad50edd85a686cc7999f27e' },
  { station: 'Guanyuan', size: 2_695_860, sha256Gz: '8f5f74750038acc13d43e43bb5dff7ec94cad964f0edf4e0a0ef4a24ed4f1ca4', sha256: '59390fee3b032597b387491f5230e7edb90a8558e30217ebd6d9befbe669fbf9' },
  { station: 'Gucheng', size: 2_654_625, sha256Gz: '448eec899812080e11380a748a184e9700d5e708c4303be52a9e234df3427ff3', sha256: '10ae48801ea55869fee56a48b885fb1127859c130551888d71673f34216ba951' },
  { station: 'Huairou', size: 2_641_027, sha256Gz: '75afaac82fada503bd2c362e27c96658f988bcda14e65e702f7ef9b110700efe', sha256: '812dcbe848b3ba2c2d25731064797bff803c46eb0c602156a1fa044df136dc26' },
  { station: 'Nongzhanguan', size: 2_839_705, sha256Gz: 'e71a07558749e736fbe8539adbef44befaea597053ff89b8bf8f3f4b22259567', sha256: '572cf87b65ef543cd55d3a711b28474def224a46b0ec3fc8add8aaf13b67a487' },
  { station: 'Shunyi', size: 2_620_654, sha256Gz: 'a5099a112eea0d8b1df522fa706ce165742986ef6d40781c9cd8e59f95e7349a', sha256: '520b59e4ead3b0cfe7f1ed673e30275de8441e999db6f413d5172d2277b8c15a' },
  { station: 'Tiantan', size: 2_655_061, sha256Gz: '5990391e4765a1c788addd4dd5115fc85c39b41d7358eaf5133cd6e174431eed', sha256: '0743e34799cf1ee36195b73321b91baa5625276532e7263c588f68cdef3b4daa' },
  { station: 'Wanliu', size: 2_659_544, sha256Gz: '87351fafaaa66944852ee327f9823388795f82990700dee86243e89e1c24ddf6', sha256: '0b1a6d754a07f0def2f55434ddfa3870dcd0063b7f766a6f66b6c11bb05a377a' },
  { station: 'Wanshouxigong', size: 2_871_076, sha256Gz: 'a766e89cffb938f71963140037a399b4c7562c8a7b214672ba03bb40e0457b69', sha256: 'ab1d6a356d6997a45f6d657ad47de1e05a4a08d4a7015b38a329a90665ab74d0' },
];

/** File name of a station's CSV: `PRSA_Data_<Station>_20130301-20170228.csv`. */
export function beijingFileName(station: string): string {
  return `PRSA_Data_${station}_20130301-20170228.csv`;
}

/**
 * Beijing Multi-Site Air-Quality (UCI id 501; Zhang et al. 2017): twelve hourly station CSVs, 2013-03 to 2017-02,
 * downloaded from the GitHub copy SOURCES.md §1 identifies as the unedited original, checked by SHA-256.
 */
export const BEIJING_MULTISITE: Dataset = {
  name: 'beijing-multisite',
  title: 'Beijing Multi-Site Air-Quality',
  folder: 'beijing-multisite-air-quality',
  origin: 'UCI ML Repository id 501 (doi:10.24432/C5RK5G); Zhang et al. (2017), Proc. R. Soc. A 473:20170457',
  licence: 'CC BY 4.0',
  usedBy: ['air-pollution'],
  files: BEIJING_STATIONS.map((s) => ({
    name: beijingFileName(s.station),
    check: { sha256: s.sha256, size: s.size },
    sources: [{ url: `${BEIJING_BASE_URL}${beijingFileName(s.station)}` }],
  })),
  localCopies: [{ kind: 'shared' }],
};
