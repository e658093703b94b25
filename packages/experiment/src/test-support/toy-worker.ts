// Worker module of the toy comparison (what an app's run-worker.ts looks like: one line).
import { serveRunner } from '../serve-runner.js';
import { toyRunner } from './toy-runner.js';

serveRunner(toyRunner);
