import { OrchError } from "../errors.ts";

/** Codes the table IO manager raises (documented in docs/errors.md under "table IO managers"). */
export const TableErrorCode = {
  TABLE_NAME_INVALID: "TABLE_NAME_INVALID",
  TABLE_SCHEMA_MISMATCH: "TABLE_SCHEMA_MISMATCH",
  TABLE_NOT_FOUND: "TABLE_NOT_FOUND",
  TABLE_TYPE_UNSUPPORTED: "TABLE_TYPE_UNSUPPORTED",
  TABLE_PARTITION_EXPR_MISSING: "TABLE_PARTITION_EXPR_MISSING",
  TABLE_WRITE_FAILED: "TABLE_WRITE_FAILED",
} as const;

export type TableErrorCode = (typeof TableErrorCode)[keyof typeof TableErrorCode];

export function tableError(code: TableErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}): OrchError {
  return new OrchError(code, message, { pkg: "table-io", ...options });
}
