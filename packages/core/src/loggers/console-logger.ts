import { styleText } from "node:util";
import type { LogLevel, OrchEvent } from "../events.ts";
import type { Logger } from "../logger.ts";
import { describeEvent, type LineTone } from "./format-event.ts";
import { StepTree } from "./step-tree.ts";

export type ConsoleLoggerMode = "pretty" | "json" | "plain";

/** The part of a writable stream the logger uses (process.stdout, process.stderr, a test sink). */
export interface ConsoleStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface ConsoleLoggerOptions {
  /** Default: `pretty` when the stream is a TTY and `CI` is unset, else `plain`. */
  mode?: ConsoleLoggerMode;
  /** Default: process.stderr, so a command's own output on stdout stays clean. */
  stream?: ConsoleStream;
  /** Lowest LOG level shown. Default `info`. */
  level?: LogLevel;
  /** Where `CI` and `NO_COLOR` are read from. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How often the pretty tree refreshes running durations. Default 250 ms. */
  refreshMs?: number;
}

const STYLE: Record<LineTone, Parameters<typeof styleText>[0]> = {
  info: "cyan",
  success: "green",
  warn: "yellow",
  error: "red",
  dim: "gray",
};

export function defaultConsoleMode(stream: ConsoleStream, env: NodeJS.ProcessEnv = process.env): ConsoleLoggerMode {
  return stream.isTTY && !env["CI"] ? "pretty" : "plain";
}

/**
 * Shows a run on a console. `json`: one event per line, as stored. `plain`: timestamped lines without ANSI, for
 * CI logs. `pretty`: a live step tree with durations and colours, redrawn in place, with log lines above it.
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const mode = options.mode ?? defaultConsoleMode(stream, options.env);
  const level = options.level ?? "info";
  if (mode === "json") {
    return { name: "console", level, handle: (event) => void stream.write(`${JSON.stringify(event)}\n`) };
  }
  if (mode === "plain") {
    return {
      name: "console",
      level,
      handle(event) {
        const line = describeEvent(event);
        if (!line) return;
        const subject = line.subject === "run" ? "" : `${line.subject}  `;
        stream.write(`${new Date(event.timestamp).toISOString()}  ${subject}${line.text}\n`);
      },
    };
  }
  const colour = !(options.env ?? process.env)["NO_COLOR"];
  return prettyLogger(stream, level, options.refreshMs ?? 250, colour);
}

function prettyLogger(stream: ConsoleStream, level: LogLevel, refreshMs: number, colour: boolean): Logger {
  const tree = new StepTree();
  // Pretty mode was chosen for a terminal already; only NO_COLOR turns colours off.
  const paint = (tone: LineTone, text: string) => (colour ? styleText(STYLE[tone], text, { validateStream: false }) : text);
  let drawnLines = 0;
  let timer: NodeJS.Timeout | undefined;

  const erase = () => {
    // Cursor up over the previous tree, then clear to the end of the screen.
    if (drawnLines > 0) stream.write(`\x1b[${drawnLines}A\x1b[0J`);
    drawnLines = 0;
  };
  const draw = () => {
    const lines = tree.render(Date.now());
    stream.write(lines.map((l) => paint(l.tone, l.text)).join("\n") + "\n");
    drawnLines = lines.length;
  };
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  return {
    name: "console",
    level,
    handle(event: OrchEvent) {
      tree.update(event);
      const line = describeEvent(event);
      const runEnded = event.type === "RUN_SUCCESS" || event.type === "RUN_FAILURE" || event.type === "RUN_CANCELED";
      const printed = line !== undefined && event.type !== "RUN_START" && event.type !== "STEP_START" && event.type !== "STEP_SUCCESS";
      if (event.type === "RUN_START" && !timer) {
        // State changes without a line of their own are picked up by the next tick: cheap for 10,000 steps.
        timer = setInterval(() => {
          erase();
          draw();
        }, refreshMs);
        timer.unref();
      }
      if (!printed && !runEnded && drawnLines > 0) return;
      erase();
      if (runEnded) {
        // The final tree stays on screen, with the run's outcome under it.
        stopTimer();
        draw();
        drawnLines = 0;
      }
      if (printed) {
        const subject = line.subject === "run" ? "" : `${paint("dim", line.subject)}  `;
        stream.write(`${subject}${paint(line.tone, line.text)}\n`);
      }
      if (!runEnded && tree.active) draw();
    },
    async flush() {
      stopTimer();
    },
    teardown: stopTimer,
  };
}
