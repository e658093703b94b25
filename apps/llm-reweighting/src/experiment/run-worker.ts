// Worker-thread entry of the comparison's run pool (`--jobs` > 1): each worker tokenises the corpus once and trains
// the methods it is sent with the same runner as the main thread.
import { serveRunner } from '@counterweight/experiment/worker';

import { lmRunner } from './run-one.js';

serveRunner(lmRunner);
