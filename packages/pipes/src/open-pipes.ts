import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { PipesClientError } from "./errors.ts";
import {
  PIPES_CONTEXT_ENV,
  PIPES_MESSAGES_ENV,
  PIPES_PROTOCOL,
  SUPPORTED_PIPES_PROTOCOLS,
  type AssetCheckReport,
  type MaterializationReport,
  type PipesContext,
  type PipesLogLevel,
} from "./protocol.ts";

export interface PipesLog {
  debug(message: string, metadata?: Record<string, unknown>): void;
  info(message: string, metadata?: Record<string, unknown>): void;
  warn(message: string, metadata?: Record<string, unknown>): void;
  error(message: string, metadata?: Record<string, unknown>): void;
}

/** The process's end of one Pipes exchange. Messages are written synchronously, so none is lost on exit. */
export interface PipesClient {
  readonly context: PipesContext;
  readonly log: PipesLog;
  reportMaterialization(report?: MaterializationReport): void;
  reportAssetCheck(report: AssetCheckReport): void;
  /** Sends `closed` (with the error, when the work failed) and closes the channel. Idempotent. */
  close(error?: unknown): void;
}

/** Whether orch started this process with Pipes (both variables set). */
export function isPipesProcess(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env[PIPES_CONTEXT_ENV] && env[PIPES_MESSAGES_ENV]);
}

/** Reads the context orch passed and opens the message channel. */
export function openPipes(env: NodeJS.ProcessEnv = process.env): PipesClient {
  const contextPath = env[PIPES_CONTEXT_ENV];
  const messagesPath = env[PIPES_MESSAGES_ENV];
  if (!contextPath || !messagesPath) {
    const missing = [PIPES_CONTEXT_ENV, PIPES_MESSAGES_ENV].filter((name) => !env[name]);
    throw new PipesClientError("PIPES_NOT_CONFIGURED", `${missing.join(" and ")} not set: this process was not started by orch Pipes (pipesSubprocess)`);
  }
  const context = readContext(contextPath);
  let fd: number | undefined;
  try {
    fd = openSync(messagesPath, "a");
  } catch (cause) {
    throw new PipesClientError("PIPES_WRITE_FAILED", `cannot open the Pipes channel ${messagesPath} (${PIPES_MESSAGES_ENV}): ${(cause as Error).message}`, { cause });
  }
  const send = (method: string, params: Record<string, unknown>): void => {
    if (fd === undefined) throw new PipesClientError("PIPES_CLOSED", `cannot send ${method}: the Pipes client was closed`);
    const line = `${JSON.stringify({ protocol: PIPES_PROTOCOL, method, params }, jsonSafe)}\n`;
    try {
      writeSync(fd, line);
    } catch (cause) {
      throw new PipesClientError("PIPES_WRITE_FAILED", `cannot write ${method} to ${messagesPath}: ${(cause as Error).message}`, { cause });
    }
  };
  const logAt = (level: PipesLogLevel) => (message: string, metadata?: Record<string, unknown>) => send("log", { level, message: String(message), ...(metadata ? { metadata } : {}) });
  return {
    context,
    log: { debug: logAt("debug"), info: logAt("info"), warn: logAt("warn"), error: logAt("error") },
    reportMaterialization: (report = {}) => send("reportMaterialization", { ...report }),
    reportAssetCheck: (report) => send("reportAssetCheck", { ...report }),
    close(error?: unknown) {
      if (fd === undefined) return;
      send("closed", error === undefined ? {} : { error: describeError(error) });
      closeSync(fd);
      fd = undefined;
    },
  };
}

/** Opens Pipes, runs `work`, and closes with its error (rethrown) or without. */
export async function withPipes<T>(work: (pipes: PipesClient) => T | Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const pipes = openPipes(env);
  try {
    const result = await work(pipes);
    pipes.close();
    return result;
  } catch (error) {
    pipes.close(error);
    throw error;
  }
}

function readContext(path: string): PipesContext {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new PipesClientError("PIPES_CONTEXT_UNREADABLE", `cannot read the Pipes context ${path} (${PIPES_CONTEXT_ENV}): ${(cause as Error).message}`, { cause });
  }
  const protocol = (raw as { protocol?: unknown } | null)?.protocol;
  if (typeof protocol !== "string" || !SUPPORTED_PIPES_PROTOCOLS.includes(protocol)) {
    throw new PipesClientError("PIPES_UNSUPPORTED_PROTOCOL", `the Pipes context ${path} speaks ${JSON.stringify(protocol ?? null)}; this client supports ${SUPPORTED_PIPES_PROTOCOLS.join(", ")}`);
  }
  return raw as PipesContext;
}

function describeError(error: unknown): { name?: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { message: String(error) };
}

function jsonSafe(_key: string, value: unknown): unknown {
  // Dates arrive here already turned into ISO strings by their toJSON.
  return typeof value === "bigint" ? Number(value) : value;
}
