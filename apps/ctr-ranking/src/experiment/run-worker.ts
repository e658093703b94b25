// Worker-thread entry of the comparison's run pool (the harness starts it with `--jobs` > 1): each worker loads the
// comparison's auctions once and trains the runs it is sent with the same runner as the main thread.
import { serveRunner } from '@counterweight/experiment/worker';

import { ctrRunner } from './run-one.js';

serveRunner(ctrRunner);
