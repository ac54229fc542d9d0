export * from "./table-client.ts";
export * from "./table-errors.ts";
export * from "./table-type-handler.ts";
export { loadsAsOf, rowsTypeHandler, tableRows, type LoadsAs } from "./rows-type-handler.ts";
export { partitionPredicate, type PredicateRequest } from "./partition-predicate.ts";
export { tableRefFor, qualifiedName, qualifiedSchema } from "./table-naming.ts";
export { schemaDifferences, type ColumnDifference } from "./schema-diff.ts";
export { createTableIOManager, tableIOManager, type SchemaEvolution, type TableIOManagerOptions } from "./table-io-manager.ts";
export { tableIOManagerConfigShape } from "./table-io-config.ts";
