// @counterweight/experiment/worker: what an app's run-worker module imports. It loads the harness's run handling and
// runtime only — never @counterweight/reports (vega, sharp), which a thread that trains does not need.
export { serveRunner } from './serve-runner.js';
