import type { LogLevel, OrchEvent } from "./events.ts";
import type { Metadata } from "./metadata.ts";

/** What compute functions, resources and hooks log through; every line becomes a LOG event. */
export interface StepLogger {
  debug(message: string, metadata?: Metadata): void;
  info(message: string, metadata?: Metadata): void;
  warn(message: string, metadata?: Metadata): void;
  error(message: string, metadata?: Metadata): void;
}

/**
 * A logger plugin: sees every event of a run (not only LOG lines) so it can render progress or ship logs.
 * `handle` must not throw or block; buffer and `flush` at run end instead.
 */
export interface Logger {
  readonly name: string;
  /** Lowest LOG level forwarded; other event types are always passed. Default `info`. */
  readonly level?: LogLevel;
  handle(event: OrchEvent): void;
  flush?(): Promise<void>;
  teardown?(): void | Promise<void>;
}

export const LOG_LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function makeStepLogger(write: (level: LogLevel, message: string, metadata?: Metadata) => void): StepLogger {
  return {
    debug: (m, md) => write("debug", m, md),
    info: (m, md) => write("info", m, md),
    warn: (m, md) => write("warn", m, md),
    error: (m, md) => write("error", m, md),
  };
}
