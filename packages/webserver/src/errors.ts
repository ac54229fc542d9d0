import { ErrorCode, isOrchError, OrchError, ReexecuteErrorCode } from "@orch/core";

/** Error codes of @orch/webserver (listed in docs/errors.md). */
export const WebserverErrorCode = {
  WEBSERVER_AUTH_REQUIRED: "WEBSERVER_AUTH_REQUIRED",
  WEBSERVER_UNAUTHORIZED: "WEBSERVER_UNAUTHORIZED",
  WEBSERVER_BAD_ORIGIN: "WEBSERVER_BAD_ORIGIN",
  WEBSERVER_BAD_HOST: "WEBSERVER_BAD_HOST",
  WEBSERVER_READ_ONLY: "WEBSERVER_READ_ONLY",
  WEBSERVER_BAD_REQUEST: "WEBSERVER_BAD_REQUEST",
  WEBSERVER_PORT_IN_USE: "WEBSERVER_PORT_IN_USE",
} as const;

export function webserverError(code: keyof typeof WebserverErrorCode, message: string, details?: Record<string, unknown>): OrchError {
  return new OrchError(code, message, { pkg: "webserver", ...(details ? { details } : {}) });
}

const NOT_FOUND = new Set<string>([ErrorCode.UNKNOWN_ASSET, ErrorCode.UNKNOWN_RUN, ErrorCode.UNKNOWN_JOB]);
const STATUS: Record<string, number> = {
  [WebserverErrorCode.WEBSERVER_UNAUTHORIZED]: 401,
  [WebserverErrorCode.WEBSERVER_BAD_ORIGIN]: 403,
  [WebserverErrorCode.WEBSERVER_BAD_HOST]: 403,
  [WebserverErrorCode.WEBSERVER_READ_ONLY]: 403,
  [ReexecuteErrorCode.RUN_NOT_FINISHED]: 409,
};

/** The HTTP status and JSON body of an error: OrchErrors keep their code, message and details; others are 500s. */
export function errorResponse(error: unknown): { status: number; body: { error: { code: string; message: string; details?: unknown } } } {
  if (isOrchError(error)) {
    const status = STATUS[error.code] ?? (NOT_FOUND.has(error.code) ? 404 : 400);
    return { status, body: { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } } };
  }
  return { status: 500, body: { error: { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) } } };
}
