import type { LogLevel } from "@orch/core";

/** A driver log line in Spark's default log4j2 layout: `%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m`. */
export interface Log4jLine {
  readonly timestamp: string;
  readonly level: LogLevel;
  readonly logger: string;
  readonly message: string;
}

const LINE = /^(\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) ([\w$.\-]+): ?(.*)$/;
const LEVELS: Record<string, LogLevel> = { TRACE: "debug", DEBUG: "debug", INFO: "info", WARN: "warn", ERROR: "error", FATAL: "error" };

export function parseLog4jLine(line: string): Log4jLine | undefined {
  const match = LINE.exec(line);
  if (!match) return undefined;
  return { timestamp: match[1]!, level: LEVELS[match[2]!]!, logger: match[3]!, message: match[4]! };
}
