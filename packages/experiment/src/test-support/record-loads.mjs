// Module hooks that append every resolved URL to the file named by $CW_RECORD_LOADS (one per line).
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.CW_RECORD_LOADS) appendFileSync(process.env.CW_RECORD_LOADS, `${result.url}\n`);
  return result;
}
