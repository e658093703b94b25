#!/usr/bin/env node
import { launch } from '@counterweight/launch';

await launch(new URL('../', import.meta.url));
