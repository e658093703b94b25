// Worker-thread entry of the shift experiment's run pool (`--jobs` > 1): each worker loads and windows the table once
// and runs the weightings it is sent with the same runner as the main thread.
import { serveRunner } from '@counterweight/experiment/worker';

import { shiftRunner } from './shift-runner.js';

serveRunner(shiftRunner);
