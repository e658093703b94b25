#!/usr/bin/env node
// Regenerates the backend-support table of packages/core-losses/README.md by running every loss on every backend
// that loads here (parity vectors + a value-and-gradient run), and the table of task weighters and quantile
// aggregation (a forward + gradient run each). Usage: support-table [parityDir] [readme].
import { resolve } from 'node:path';

import { repositoryRoot } from '@counterweight/runtime';

import { computeAuxiliarySupport, renderAuxiliaryTable, WEIGHTER_TABLE_BEGIN, WEIGHTER_TABLE_END } from './support-table-weighters.js';
import { computeSupport, renderSupportTable, writeSupportTable } from './support-table.js';

const [parityDir = '../shared/parity', readme = resolve(repositoryRoot(), 'packages/core-losses/README.md')] = process.argv.slice(2);
const rows = await computeSupport(resolve(parityDir));
await writeSupportTable(readme, renderSupportTable(rows));
const auxiliary = await computeAuxiliarySupport();
await writeSupportTable(readme, renderAuxiliaryTable(auxiliary), { begin: WEIGHTER_TABLE_BEGIN, end: WEIGHTER_TABLE_END });
const failing = [...rows, ...auxiliary].filter((r) => Object.values(r.backends).some((c) => c.status === 'fail'));
process.stdout.write(
  `wrote the support tables of ${rows.length} losses and ${auxiliary.length} task weighters / aggregators to ${readme}; ${failing.length} with failures\n`,
);
process.exitCode = failing.length > 0 ? 1 : 0;
