// Worker-thread entry of a quickstart with --jobs > 1: the harness's worker, serving the quickstart's runner.
import { serveRunner } from '@counterweight/experiment/worker';

import { quickstartRunner } from './run-one.js';

serveRunner(quickstartRunner);
