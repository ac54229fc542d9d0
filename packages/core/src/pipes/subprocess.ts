import { spawn } from "node:child_process";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { ErrorCode, OrchError } from "../errors.ts";
import type { PipesStepContext } from "./context.ts";
import { PipesErrorCode } from "./errors.ts";
import { PipesResult } from "./result.ts";
import { createPipesSession, type PipesSession, type PipesSessionOptions } from "./session.ts";

export type PipesStream = "stdout" | "stderr";

export interface PipesSubprocessOptions extends PipesSessionOptions {
  /** The executable, run directly (never through a shell). */
  readonly command: string;
  readonly args?: readonly string[];
  /** Extra environment over orch's own (never logged). */
  readonly env?: Readonly<Record<string, string>>;
  /** Start from an empty environment (plus `env` and the Pipes variables) instead of orch's. */
  readonly cleanEnv?: boolean;
  readonly cwd?: string;
  /** Milliseconds between SIGTERM and SIGKILL of the process group on cancel; default 5000. */
  readonly killGraceMs?: number;
  /** How many stderr lines a failure quotes; default 20. */
  readonly stderrTail?: number;
  /** A session the caller created (to put its paths in args); pipesSubprocess closes it. */
  readonly session?: PipesSession;
  /** How the command is shown in logs and errors (e.g. with secrets in args redacted). Default command + args. */
  readonly displayCommand?: string;
  /** Sees every stdout/stderr line first; return true when it logged the line itself. */
  readonly onOutputLine?: (line: string, stream: PipesStream) => boolean | void;
  /** Runs on cancel alongside the kill (e.g. asking a cluster to stop a job it runs). */
  readonly onCancel?: () => void | Promise<void>;
}

/**
 * Runs an external process that reports through orch Pipes: starts it (own process group, no shell) with the
 * context and channel in its environment, turns its messages into log lines and reports, its stdout/stderr into
 * log lines, a non-zero exit into a step failure quoting its last stderr lines, and cancellation into killing its
 * whole process group. Return `result.output()` from the compute to record what it materialized.
 */
export async function pipesSubprocess(context: PipesStepContext, options: PipesSubprocessOptions): Promise<PipesResult> {
  const args = [...(options.args ?? [])];
  const display = options.displayCommand ?? [options.command, ...args].join(" ");
  if (context.signal.aborted) {
    await options.session?.close();
    throw new OrchError(ErrorCode.RUN_CANCELED, `Step "${context.stepKey}" was canceled before ${basename(options.command)} started.`);
  }
  const session = options.session ?? (await createPipesSession(context, options));
  const subject = session.subject;
  const tailSize = options.stderrTail ?? 20;
  const stderrTail: string[] = [];

  const child = spawn(options.command, args, {
    cwd: options.cwd,
    env: { ...(options.cleanEnv ? {} : process.env), ...(options.env ?? {}), ...session.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid !== undefined) context.log.info(`Pipes: started ${display} (pid ${child.pid})`, { "pipes/pid": child.pid });
  let canceled = false;
  let cancelAction: Promise<void> | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const killGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const onAbort = (): void => {
    canceled = true;
    context.log.warn(`Pipes: canceling ${basename(options.command)} (process group ${child.pid})`);
    killGroup("SIGTERM");
    killTimer = setTimeout(() => killGroup("SIGKILL"), options.killGraceMs ?? 5000);
    killTimer.unref();
    if (options.onCancel) cancelAction = Promise.resolve().then(options.onCancel).catch((error) => context.log.warn(`Pipes: cancel action failed: ${(error as Error).message}`));
  };
  context.signal.addEventListener("abort", onAbort, { once: true });

  const lines = (stream: PipesStream) => (line: string) => {
    if (stream === "stderr") {
      stderrTail.push(line);
      if (stderrTail.length > tailSize) stderrTail.shift();
    }
    if (options.onOutputLine?.(line, stream) === true) return;
    context.log.info(line, { "pipes/stream": stream });
  };
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", lines("stdout"));
  createInterface({ input: child.stderr, crlfDelay: Infinity }).on("line", lines("stderr"));

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: Error }>((resolve) => {
    child.once("error", (error) => resolve({ error }));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  context.signal.removeEventListener("abort", onAbort);
  if (killTimer) clearTimeout(killTimer);
  if (canceled) killGroup("SIGKILL");
  // The step ends canceled only once the cancel action (e.g. asking a cluster to kill the job) has run.
  await cancelAction;
  const report = await session.close();

  if ("error" in exit) {
    throw new OrchError(PipesErrorCode.PIPES_SPAWN_FAILED, `${subject}: could not start ${options.command}: ${exit.error.message}`, { cause: exit.error, details: { command: options.command } });
  }
  if (canceled) throw new OrchError(ErrorCode.RUN_CANCELED, `${subject}: canceled; process group ${child.pid} of ${basename(options.command)} killed`);
  if (exit.code !== 0) {
    const how = exit.code === null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const reported = report.closedError ? `; it reported ${report.closedError.name ?? "an error"}: ${report.closedError.message}` : "";
    const tail = stderrTail.length ? `; last stderr lines:\n${stderrTail.join("\n")}` : "; it wrote nothing to stderr";
    throw new OrchError(PipesErrorCode.PIPES_PROCESS_FAILED, `${subject}: ${display} ${how}${reported}${tail}`, {
      details: { exitCode: exit.code, signal: exit.signal, command: options.command },
    });
  }
  return new PipesResult(report, 0, session.assetKeys, subject);
}
