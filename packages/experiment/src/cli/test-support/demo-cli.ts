// A small CLI built with the shared helpers, for program.test.ts.
import { integerArgument } from '../arguments.js';
import { addComparisonOptions, createProgram, runProgram, type ComparisonFlags } from '../program.js';

const program = createProgram('demo', 'Demonstrates the shared CLI behaviour.');
addComparisonOptions(program.command('compare').description('compares'), { seeds: 3 })
  .option('--epochs <n>', 'epochs', integerArgument(1), 5)
  .action((flags: ComparisonFlags & { epochs: number }) => {
    if (flags.epochs === 13) throw new RangeError('--epochs: unlucky');
    process.stdout.write(`${JSON.stringify(flags)}\n`);
  });
await runProgram(program);
