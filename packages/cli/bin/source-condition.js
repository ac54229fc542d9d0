// Resolve hook the bin registers in a checkout of the monorepo: adds the `@orch/source` export condition (what
// `node --conditions=@orch/source` does), so @orch/* packages resolve to their TypeScript sources.
export function addSourceCondition(specifier, context, nextResolve) {
  const conditions = context.conditions ?? [];
  return nextResolve(specifier, conditions.includes("@orch/source") ? context : { ...context, conditions: [...conditions, "@orch/source"] });
}

// The same hook for module.register() on Node versions without module.registerHooks().
export const resolve = addSourceCondition;
