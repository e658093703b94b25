// Worker-thread entry of the arithmetic comparison's run pool (`--jobs` > 1).
import { serveRunner } from '@counterweight/experiment/worker';

import { arithmeticRunner } from './arithmetic-run.js';

serveRunner(arithmeticRunner);
