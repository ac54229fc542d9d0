/**
 * Every refusal in orch is an OrchError with a stable `code` from this list.
 * docs/errors.md documents each code; keep the two in step.
 */
export const ErrorCode = {
  INVALID_ASSET_KEY: "INVALID_ASSET_KEY",
  INVALID_DEFINITION: "INVALID_DEFINITION",
  DUPLICATE_ASSET_KEY: "DUPLICATE_ASSET_KEY",
  UNKNOWN_DEPENDENCY: "UNKNOWN_DEPENDENCY",
  DEPENDENCY_CYCLE: "DEPENDENCY_CYCLE",
  MISSING_RESOURCE: "MISSING_RESOURCE",
  UNKNOWN_IO_MANAGER: "UNKNOWN_IO_MANAGER",
  UNKNOWN_ASSET: "UNKNOWN_ASSET",
  INVALID_SELECTION: "INVALID_SELECTION",
  EMPTY_SELECTION: "EMPTY_SELECTION",
  INVALID_RUN_CONFIG: "INVALID_RUN_CONFIG",
  INVALID_RESOURCE_CONFIG: "INVALID_RESOURCE_CONFIG",
  MISSING_ENV_VAR: "MISSING_ENV_VAR",
  RESOURCE_SETUP_FAILED: "RESOURCE_SETUP_FAILED",
  PLUGIN_CORE_VERSION_MISMATCH: "PLUGIN_CORE_VERSION_MISMATCH",
  DUPLICATE_PLUGIN: "DUPLICATE_PLUGIN",
  DUPLICATE_PLUGIN_ENTRY: "DUPLICATE_PLUGIN_ENTRY",
  UNKNOWN_PLUGIN_ENTRY: "UNKNOWN_PLUGIN_ENTRY",
  INVALID_PLUGIN: "INVALID_PLUGIN",
  INVALID_PLUGIN_CONFIG: "INVALID_PLUGIN_CONFIG",
  NO_SERIALIZER: "NO_SERIALIZER",
  OUTPUT_NOT_FOUND: "OUTPUT_NOT_FOUND",
  TYPE_CHECK_FAILED: "TYPE_CHECK_FAILED",
  STEP_FAILED: "STEP_FAILED",
  RUN_CANCELED: "RUN_CANCELED",
  UNKNOWN_RUN: "UNKNOWN_RUN",
  UNKNOWN_JOB: "UNKNOWN_JOB",
  INVALID_PARTITION: "INVALID_PARTITION",
  INCOMPATIBLE_PARTITIONS: "INCOMPATIBLE_PARTITIONS",
  UNKNOWN_PARTITION: "UNKNOWN_PARTITION",
  STORAGE_ERROR: "STORAGE_ERROR",
  INVALID_CRON: "INVALID_CRON",
  INVALID_TIMEZONE: "INVALID_TIMEZONE",
  DUPLICATE_AUTOMATION_NAME: "DUPLICATE_AUTOMATION_NAME",
  INVALID_RUN_REQUEST: "INVALID_RUN_REQUEST",
  RUN_ALREADY_ENDED: "RUN_ALREADY_ENDED",
  INVALID_RUN_TAG: "INVALID_RUN_TAG",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface OrchErrorOptions {
  /** The package that raised it, shown as `[orch] [pkg]`; omitted for core. */
  pkg?: string;
  cause?: unknown;
  /** Structured facts for tools (asset key, path, ...), never secrets. */
  details?: Record<string, unknown>;
}

export class OrchError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode | (string & {}), message: string, options: OrchErrorOptions = {}) {
    const prefix = options.pkg ? `[orch] [${options.pkg}]` : "[orch]";
    super(`${prefix} ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OrchError";
    this.code = code;
    this.details = options.details;
  }
}

export function isOrchError(value: unknown, code?: string): value is OrchError {
  return value instanceof Error && (value as OrchError).name === "OrchError" && (code === undefined || (value as OrchError).code === code);
}

/** A plain-data error for events: what crosses threads and lands in storage. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: SerializedError;
}

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (error instanceof Error) {
    const out: SerializedError = { name: error.name, message: error.message };
    if (error.stack) out.stack = error.stack;
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") out.code = code;
    if (error.cause !== undefined && depth < 5) out.cause = serializeError(error.cause, depth + 1);
    return out;
  }
  return { name: "NonError", message: typeof error === "string" ? error : safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
