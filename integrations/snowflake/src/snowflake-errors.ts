import { OrchError } from "@orch/core";

/** Codes @orch/snowflake raises (docs/errors.md). */
export const SnowflakeErrorCode = {
  SNOWFLAKE_CONNECT_FAILED: "SNOWFLAKE_CONNECT_FAILED",
  SNOWFLAKE_QUERY_FAILED: "SNOWFLAKE_QUERY_FAILED",
  SNOWFLAKE_QUERY_CANCELED: "SNOWFLAKE_QUERY_CANCELED",
  MISSING_PEER_DEPENDENCY: "MISSING_PEER_DEPENDENCY",
} as const;

export type SnowflakeErrorCode = (typeof SnowflakeErrorCode)[keyof typeof SnowflakeErrorCode];

export function snowflakeError(code: SnowflakeErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}): OrchError {
  return new OrchError(code, message, { pkg: "snowflake", ...options });
}

/** Snowflake's own words for a driver error: `390100: Incorrect username or password was specified.` */
export function describeSnowflakeError(error: unknown): { text: string; code?: string; sqlState?: string; queryId?: string } {
  const e = error as { code?: string | number; sqlState?: string; message?: string; data?: { queryId?: string }; queryId?: string } | undefined;
  const code = e?.code !== undefined ? String(e.code) : undefined;
  const message = e?.message ?? String(error);
  const queryId = e?.queryId ?? e?.data?.queryId;
  return {
    text: `${code !== undefined && !message.startsWith(code) ? `${code}${e?.sqlState ? ` (${e.sqlState})` : ""}: ` : ""}${message}`,
    ...(code !== undefined ? { code } : {}),
    ...(e?.sqlState ? { sqlState: e.sqlState } : {}),
    ...(queryId ? { queryId } : {}),
  };
}
