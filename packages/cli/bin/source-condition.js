// Module resolve hook the bin registers in a checkout of the monorepo: adds the `@orch/source` export condition
// (what `node --conditions=@orch/source` does), so @orch/* packages resolve to their TypeScript sources.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes("@orch/source") ? context.conditions : [...context.conditions, "@orch/source"];
  return nextResolve(specifier, { ...context, conditions });
}
