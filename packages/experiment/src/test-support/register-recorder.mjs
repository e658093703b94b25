import { register } from 'node:module';

register(new URL('./record-loads.mjs', import.meta.url));
