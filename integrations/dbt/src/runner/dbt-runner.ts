import { spawn, type ChildProcess } from "node:child_process";
import { statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { ErrorCode, OrchError, processGroupTerminator } from "@orch/core";
import { DBT_PKG, DbtErrorCode } from "../manifest/errors.ts";
import { dbtBuildArgs, type DbtBuildOptions, type DbtRunnerConfig } from "./dbt-args.ts";
import { EventQueue } from "./event-queue.ts";
import { parseDbtLogLine, type DbtEvent } from "./events.ts";
import { loadRunResults, type DbtRunResults } from "./run-results.ts";
import { createSelectorProject } from "./selector-project.ts";

export interface DbtBuildResult {
  readonly args: readonly string[];
  /** 0: all passed; 1: some node failed (run_results says which). */
  readonly exitCode: number;
  readonly runResults: DbtRunResults;
}

/** A running `dbt build`: iterate its events as they arrive, and await `result()` for run_results. */
export interface DbtInvocation extends AsyncIterable<DbtEvent> {
  readonly args: readonly string[];
  readonly pid: number | undefined;
  result(): Promise<DbtBuildResult>;
}

export interface DbtRunner {
  readonly config: DbtRunnerConfig;
  build(options: DbtBuildOptions): DbtInvocation;
}

export function createDbtRunner(config: DbtRunnerConfig): DbtRunner {
  return { config, build: (options) => startDbtBuild(config, options) };
}

const tail = (lines: readonly string[]): string => lines.slice(-5).join("\n");

/** Dagster's threshold too: short selections stay readable on the command line. */
const DEFAULT_MAX_SELECT_ARGS = 200;

/** Builds of one project take turns, keyed by the target directory they all write (run_results.json, partial parse). */
const turns = new Map<string, Promise<void>>();

function takeTurn(key: string): Promise<() => void> {
  const previous = turns.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((done) => (release = done));
  const chained = previous.then(() => mine);
  turns.set(key, chained);
  return previous.then(() => () => {
    release();
    if (turns.get(key) === chained) turns.delete(key);
  });
}

const targetDirOf = (config: DbtRunnerConfig): string => {
  const targetPath = config.targetPath ?? "target";
  return resolve(isAbsolute(targetPath) ? targetPath : join(config.projectDir, targetPath));
};

/**
 * Spawns dbt in its own process group (detached), so cancellation can kill dbt and anything it started in one go;
 * real dbt and the test fake go through exactly this code. Two builds of one project (two dbt steps of a run) never
 * overlap in this process: each would rewrite the target directory the other reads its results from.
 */
export function startDbtBuild(config: DbtRunnerConfig, options: DbtBuildOptions): DbtInvocation {
  const view = options.select.length > (config.maxSelectArgs ?? DEFAULT_MAX_SELECT_ARGS) && !options.signal?.aborted ? createSelectorProject(config.projectDir, options.select, config.targetPath) : undefined;
  const args = dbtBuildArgs(config, options, view);
  const executable = config.executable ?? "dbt";
  const events = new EventQueue<DbtEvent>();
  const canceledBeforeStart = () => new OrchError(ErrorCode.RUN_CANCELED, `dbt build canceled before it started (${executable} ${args.join(" ")})`, { pkg: DBT_PKG });
  if (options.signal?.aborted) {
    events.close();
    const canceled = canceledBeforeStart();
    return { args, pid: undefined, [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](), result: () => Promise.reject(canceled) };
  }
  let child: ChildProcess | undefined;
  const turn = takeTurn(targetDirOf(config));
  const done = new Promise<DbtBuildResult>((resolveBuild, rejectBuild) => {
    const onQueuedAbort = (): void => rejectBuild(canceledBeforeStart());
    options.signal?.addEventListener("abort", onQueuedAbort, { once: true });
    void turn.then((release) => {
      options.signal?.removeEventListener("abort", onQueuedAbort);
      if (options.signal?.aborted) {
        view?.remove();
        release();
        return;
      }
      const build = runDbt(config, options, executable, args, events, view?.remove);
      child = build.child;
      build.done.then(resolveBuild, rejectBuild).finally(release);
    });
  }).finally(() => events.close());
  // A rejection is reported through result(); keep it from surfacing as unhandled when nobody iterates.
  done.catch(() => undefined);

  return {
    args,
    get pid() {
      return child?.pid;
    },
    [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
    result: () => done,
  };
}

function runDbt(
  config: DbtRunnerConfig,
  options: DbtBuildOptions,
  executable: string,
  args: readonly string[],
  events: EventQueue<DbtEvent>,
  removeView: (() => void) | undefined,
): { child: ChildProcess; done: Promise<DbtBuildResult> } {
  const startedAt = Date.now();
  const errors: string[] = [];
  const stderr: string[] = [];
  const child = spawn(executable, args, {
    cwd: config.projectDir,
    env: { ...process.env, ...(config.env ?? {}) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const group = processGroupTerminator(child, config.killGraceMs ?? 5000);
  const onAbort = (): void => group.terminate();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", (line) => {
    const event = parseDbtLogLine(line);
    if (!event) return;
    if (event.type === "error") errors.push(event.message);
    events.push(event);
  });
  createInterface({ input: child.stderr, crlfDelay: Infinity }).on("line", (line) => {
    stderr.push(line);
    if (stderr.length > 50) stderr.shift();
  });

  const done = new Promise<DbtBuildResult>((resolve, reject) => {
    child.on("error", (cause) => {
      removeView?.();
      reject(new OrchError(DbtErrorCode.COMMAND_FAILED, `could not start dbt "${executable}" in ${config.projectDir}: ${cause.message}; set the dbt resource's executable to the dbt binary`, { pkg: DBT_PKG, cause }));
    });
    child.on("close", (code, signal) => {
      options.signal?.removeEventListener("abort", onAbort);
      removeView?.();
      if (group.terminated) {
        // dbt exits on SIGTERM; make sure nothing it started outlives the run.
        group.finish();
        reject(new OrchError(ErrorCode.RUN_CANCELED, `dbt build canceled (process group ${child.pid} killed)`, { pkg: DBT_PKG }));
        return;
      }
      if (code !== 0 && code !== 1) {
        const why = tail(errors) || tail(stderr) || "no error output";
        reject(new OrchError(DbtErrorCode.COMMAND_FAILED, `dbt build exited with ${code ?? signal}: ${why}`, { pkg: DBT_PKG, details: { args, exitCode: code } }));
        return;
      }
      const path = join(targetDirOf(config), "run_results.json");
      try {
        if (statSync(path).mtimeMs < startedAt - 1000) throw new Error(`${path} was not rewritten by this run`);
        resolve({ args, exitCode: code, runResults: loadRunResults(path) });
      } catch (cause) {
        reject(
          cause instanceof OrchError
            ? cause
            : new OrchError(DbtErrorCode.COMMAND_FAILED, `dbt build exited with ${code} but left no run_results.json: ${(cause as Error).message}. ${tail(errors)}`, { pkg: DBT_PKG, cause }),
        );
      }
    });
  });
  return { child, done };
}
