import { z } from "zod";

/**
 * The table IO manager options every warehouse's orch.yaml entry accepts (`io.managers.<key>.config`), for plugins
 * to spread into their own schema: `z.object({ ...tableIOManagerConfigShape, path: z.string() }).strict()`.
 */
export const tableIOManagerConfigShape = {
  /** Schema of single-segment asset keys (the warehouse's default when absent). */
  defaultSchema: z.string().min(1).optional(),
  /** `add_columns` adds columns a table lacks; `strict` (default) refuses a schema change. */
  schemaEvolution: z.enum(["strict", "add_columns"]).optional(),
};
