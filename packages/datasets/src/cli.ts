import { createProgram, isQuiet, positiveNumberArgument, quietOption, runProgram } from '@counterweight/experiment/cli';

import { defaultDataDir } from './data-locations.js';
import { DATASET_NAMES, selectDatasets } from './datasets.js';
import { fetchDatasets } from './fetch-dataset.js';
import { formatResultsTable, summarizeResults } from './results-table.js';

interface Flags {
  dir: string;
  offline?: boolean;
  json?: boolean;
  timeout: number;
  quiet?: boolean;
}

const program = createProgram(
  'counterweight-fetch-data',
  'Get the data sets the apps use: download each file from its canonical source and verify its checksum; offline (or when a ' +
    'download fails) verify and use the local copies (../shared/data, Debian packages). Says per file which it used.',
)
  .argument('<dataset...>', `data sets to fetch: ${DATASET_NAMES.join(', ')}, or all`)
  .option('--dir <dir>', 'data directory downloads go to (one folder per data set; the apps read from here first)', defaultDataDir())
  .option('--offline', 'do not try the network: verify earlier downloads and the local copies only')
  .option('--json', 'one JSON object per file on stdout instead of the table')
  .option('--timeout <seconds>', 'time allowed per request', positiveNumberArgument, 120)
  .addOption(quietOption())
  .action(async (names: string[], flags: Flags) => {
    const datasets = selectDatasets(names);
    const quiet = isQuiet(flags.quiet);
    const results = await fetchDatasets(datasets, {
      dataDir: flags.dir,
      offline: flags.offline === true,
      timeoutMs: flags.timeout * 1000,
      quiet,
      log: quiet ? () => undefined : (line) => void process.stderr.write(`${line}\n`),
    });
    if (flags.json === true) for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
    else process.stdout.write(`${formatResultsTable(results)}${summarizeResults(results)}\n`);
    const missing = results.filter((r) => r.outcome === 'missing');
    if (missing.length > 0) {
      throw new Error(
        `${missing.length} file${missing.length === 1 ? '' : 's'} missing: ${missing.map((r) => `${r.dataset} ${r.file}`).join(', ')} ` +
          `(the table says why${flags.offline === true ? '; run without --offline to download them' : ''})`,
      );
    }
  });

await runProgram(program);
