// Worker-thread entry of a comparison with --jobs > 1: the harness's worker, serving imbalanced-vision's runner.
import { serveRunner } from '@counterweight/experiment/worker';

import { visionRunner } from './run-one.js';

serveRunner(visionRunner);
