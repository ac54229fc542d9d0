export { consoleLogger, defaultConsoleMode, type ConsoleLoggerMode, type ConsoleLoggerOptions, type ConsoleStream } from "./console-logger.ts";
export { describeEvent, formatDuration } from "./format-event.ts";
