import { OrchError } from "@orch/core";

/** Codes @orch/bigquery raises (docs/errors.md). */
export const BigQueryErrorCode = {
  BIGQUERY_QUERY_FAILED: "BIGQUERY_QUERY_FAILED",
  BIGQUERY_BYTES_LIMIT: "BIGQUERY_BYTES_LIMIT",
  BIGQUERY_CONFIG_INVALID: "BIGQUERY_CONFIG_INVALID",
  MISSING_PEER_DEPENDENCY: "MISSING_PEER_DEPENDENCY",
} as const;

export type BigQueryErrorCode = (typeof BigQueryErrorCode)[keyof typeof BigQueryErrorCode];

export function bigqueryError(code: BigQueryErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}): OrchError {
  return new OrchError(code, message, { pkg: "bigquery", ...options });
}

/** BigQuery's own words for an API error: `403 accessDenied: Access Denied: Project p: …`. */
export function describeBigQueryError(error: unknown): string {
  const e = error as { code?: number | string; errors?: { reason?: string; message?: string }[]; message?: string } | undefined;
  const reason = e?.errors?.[0]?.reason;
  const message = e?.message ?? String(error);
  return `${e?.code !== undefined ? `${e.code}${reason ? ` ${reason}` : ""}: ` : ""}${message}`;
}

/** A client error restated with the connection's name and BigQuery's status, reason and message. */
export class BigQueryRequestError extends Error {
  constructor(connection: string, what: string, cause: unknown) {
    super(`${connection}: ${what}: ${describeBigQueryError(cause)}`, { cause });
    this.name = "BigQueryRequestError";
  }
}
