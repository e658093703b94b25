#!/usr/bin/env node
// Regenerates the backend-support table of packages/core-losses/README.md by running every loss on every backend
// that loads here (parity vectors + a value-and-gradient run). Usage: support-table [parityDir] [readme].
import { resolve } from 'node:path';

import { repositoryRoot } from '@counterweight/runtime';

import { computeSupport, renderSupportTable, writeSupportTable } from './support-table.js';

const [parityDir = '../shared/parity', readme = resolve(repositoryRoot(), 'packages/core-losses/README.md')] = process.argv.slice(2);
const rows = await computeSupport(resolve(parityDir));
await writeSupportTable(readme, renderSupportTable(rows));
const failing = rows.filter((r) => Object.values(r.backends).some((c) => c.status === 'fail'));
process.stdout.write(`wrote the support table of ${rows.length} losses to ${readme}; ${failing.length} with failures\n`);
process.exitCode = failing.length > 0 ? 1 : 0;
