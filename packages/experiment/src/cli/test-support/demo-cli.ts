// A small CLI built with the shared helpers, for program.test.ts.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { writeDirectoryAtomic } from '@counterweight/runtime';

import { integerArgument } from '../arguments.js';
import { addComparisonOptions, createProgram, runProgram, type ComparisonFlags } from '../program.js';

const program = createProgram('demo', 'Demonstrates the shared CLI behaviour.');
addComparisonOptions(program.command('compare').description('compares'), { seeds: 3 })
  .option('--epochs <n>', 'epochs', integerArgument(1), 5)
  .action((flags: ComparisonFlags & { epochs: number }) => {
    if (flags.epochs === 13) throw new RangeError('--epochs: unlucky');
    process.stdout.write(`${JSON.stringify(flags)}\n`);
  });
program
  .command('write')
  .description('starts writing <dir> atomically and never finishes (for the interruption test)')
  .argument('<dir>')
  .action((dir: string) =>
    writeDirectoryAtomic(dir, async (tmp) => {
      await writeFile(join(tmp, 'part.bin'), 'half');
      process.stdout.write('writing\n');
      await new Promise(() => setInterval(() => undefined, 1000));
    }),
  );
await runProgram(program);
