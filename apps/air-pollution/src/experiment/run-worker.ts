// Worker-thread entry of the comparison's run pool (`--jobs` > 1): each worker loads and windows the station table
// once and runs the methods it is sent with the same runner as the main thread.
import { serveRunner } from '@counterweight/experiment/worker';

import { airRunner } from './run-one.js';

serveRunner(airRunner);
