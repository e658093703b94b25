// @ts-check
// A module resolution hook (node:module `register`) that adds the `@counterweight/source` export condition, so that
// `@counterweight/*` imports resolve to TypeScript sources as they do under `node --conditions=@counterweight/source`.

const CONDITION = '@counterweight/source';

/**
 * @param {string} specifier
 * @param {{ conditions: string[] }} context
 * @param {(specifier: string, context: object) => Promise<unknown>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes(CONDITION) ? context.conditions : [...context.conditions, CONDITION];
  return nextResolve(specifier, { ...context, conditions });
}
