import { OrchError } from "@orch/core";

export const DuckDBErrorCode = {
  DUCKDB_FILE_LOCKED: "DUCKDB_FILE_LOCKED",
  DUCKDB_OPEN_FAILED: "DUCKDB_OPEN_FAILED",
  MISSING_PEER_DEPENDENCY: "MISSING_PEER_DEPENDENCY",
} as const;

export function duckdbError(code: keyof typeof DuckDBErrorCode, message: string, cause?: unknown): OrchError {
  return new OrchError(code, message, { pkg: "duckdb", ...(cause !== undefined ? { cause } : {}) });
}
