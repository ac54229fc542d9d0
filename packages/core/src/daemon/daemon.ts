import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { DaemonLockHolder } from "../automation-storage.ts";
import { tickBackfills } from "../backfill/backfill.ts";
import type { Definitions } from "../definitions.ts";
import { OrchError } from "../errors.ts";
import { detectCrashedRuns } from "../execution/crash-detection.ts";
import { RunCoordinator } from "../queue/coordinator.ts";
import type { RunLauncher } from "../queue/launcher.ts";
import { QueueErrorCode } from "../queue/queue-errors.ts";
import { finishCanceled } from "../queue/execute-queued-run.ts";
import { FOREGROUND_TAG, processGone } from "../queue/foreground-slot.ts";
import type { QueueLimits } from "../queue/queue-limits.ts";
import { DEFAULT_RUN_RETRY_POLICY, type RunRetryPolicy } from "../queue/run-retries.ts";
import type { InstanceStorage } from "../storage.ts";
import { systemClock, type Clock } from "./clock.ts";
import { retryFailedRuns } from "./run-retry-loop.ts";
import { tickSchedules } from "./schedule-loop.ts";
import { tickSensors } from "./sensor-loop.ts";
import type { TickContext } from "./tick-context.ts";


export const DAEMON_LOOPS = ["monitor", "retries", "scheduler", "sensors", "backfills", "queue"] as const;
export type DaemonLoop = (typeof DAEMON_LOOPS)[number];

export interface DaemonOptions {
  readonly definitions: Definitions;
  readonly instance: InstanceStorage;
  readonly launcher: RunLauncher;
  readonly limits?: QueueLimits;
  readonly clock?: Clock;
  /** How long each loop sleeps between passes. Default 1,000 ms. */
  readonly intervalMs?: number;
  /** A daemon lock not refreshed for this long is taken over. Default 30,000 ms. */
  readonly staleAfterMs?: number;
  /** Runs whose heartbeat is older than this are closed as crashed. Default 30,000 ms. */
  readonly runStaleAfterMs?: number;
  /** orch.yaml's `runs.retries`: how failed runs are retried (runs override it with their tags). Default: never. */
  readonly runRetries?: RunRetryPolicy;
  /** Which loops run; default all. */
  readonly loops?: readonly DaemonLoop[];
  readonly log?: (message: string) => void;
  readonly identity?: { readonly pid: number; readonly host: string };
}

/**
 * `orch daemon`: the scheduler, sensors, backfills, the run queue, run monitoring and run retries as loops over one
 * instance, each writing a heartbeat. One daemon per instance (a lock naming its holder). Stopping (the signal aborting)
 * lets the pass in progress finish; queued runs stay queued and runs in child processes keep going.
 */
export class Daemon {
  readonly daemonId = randomUUID();
  readonly #options: DaemonOptions;
  readonly #clock: Clock;
  readonly #coordinator: RunCoordinator;
  readonly #startedAt: number;
  readonly #controller = new AbortController();

  constructor(options: DaemonOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#coordinator = new RunCoordinator(options.instance, options.launcher, options.limits ?? {});
    this.#startedAt = this.#clock.now();
  }

  #holder(): DaemonLockHolder {
    const identity = this.#options.identity ?? { pid: process.pid, host: hostname() };
    return { daemonId: this.daemonId, ...identity, startedAt: this.#startedAt, heartbeatAt: this.#clock.now() };
  }

  /** Takes the instance's daemon lock, refusing with the live holder's pid, host and heartbeat age. */
  async acquire(): Promise<void> {
    const mine = this.#holder();
    let result = await this.#options.instance.acquireDaemonLock(mine, this.#options.staleAfterMs ?? 30_000);
    // A holder on this host whose process is gone (killed with SIGKILL) is taken over at once, not after staleAfterMs.
    if (!result.acquired && processGone(`${result.holder.pid}@${result.holder.host}`, mine.host)) {
      this.#options.log?.(`taking over the daemon lock of pid ${result.holder.pid}, which is no longer running`);
      result = await this.#options.instance.acquireDaemonLock(mine, -1);
    }
    if (result.acquired) return;
    const { holder } = result;
    const age = Math.max(0, this.#clock.now() - holder.heartbeatAt);
    throw new OrchError(
      QueueErrorCode.DAEMON_ALREADY_RUNNING,
      `Another orch daemon is running on this instance: pid ${holder.pid} on ${holder.host}, last heartbeat ${(age / 1000).toFixed(1)} s ago. Stop it first (one daemon per instance).`,
      { details: { ...holder, heartbeatAgeMs: age } },
    );
  }

  /** One pass of every loop, in order; each writes its heartbeat (with the error, if it failed). */
  async runOnce(): Promise<void> {
    await this.#passes(this.#options.loops ?? DAEMON_LOOPS);
  }

  async #passes(loops: readonly DaemonLoop[]): Promise<void> {
    const context: TickContext = {
      definitions: this.#options.definitions,
      instance: this.#options.instance,
      clock: this.#clock,
      signal: this.#controller.signal,
      log: this.#options.log ?? (() => undefined),
    };
    for (const loop of DAEMON_LOOPS) {
      if (!loops.includes(loop)) continue;
      let error: string | undefined;
      try {
        await this.#pass(loop, context);
      } catch (failure) {
        error = (failure as Error).message;
        context.log(`${loop}: ${error}`);
      }
      await this.#options.instance.setDaemonHeartbeat({ daemonId: this.daemonId, loop, at: this.#clock.now(), ...(error ? { error } : {}) });
    }
  }

  async #pass(loop: DaemonLoop, context: TickContext): Promise<void> {
    const { instance, launcher } = this.#options;
    switch (loop) {
      case "monitor": {
        // Runs in the launcher's own child processes are closed by the launcher when their process exits.
        await detectCrashedRuns(instance, { staleAfterMs: this.#options.runStaleAfterMs ?? 30_000, now: this.#clock.now(), watched: new Set(launcher.running()) });
        // A foreground command that died while its run waited in the queue leaves the run behind: close it.
        for (const run of await instance.getQueuedRuns()) {
          const owner = run.tags[FOREGROUND_TAG];
          if (owner !== undefined && processGone(owner) && (await instance.transitionRun(run.runId, ["QUEUED"], { status: "CANCELING" }))) {
            await finishCanceled(instance, run.runId, run.createdAt, `the command that queued it (pid ${owner}) is gone`);
          }
        }
        // Runs asked to cancel that this daemon started: signal them (they also notice on their own).
        for (const runId of launcher.running()) {
          if ((await instance.getRun(runId))?.status === "CANCELING") launcher.cancel(runId);
        }
        return;
      }
      case "retries":
        await retryFailedRuns({
          definitions: this.#options.definitions,
          instance,
          policy: this.#options.runRetries ?? DEFAULT_RUN_RETRY_POLICY,
          log: context.log,
        });
        return;
      case "scheduler":
        await tickSchedules(context);
        return;
      case "sensors":
        await tickSensors(context);
        return;
      case "backfills":
        await tickBackfills(this.#options.definitions, instance, { awaitRetries: (this.#options.loops ?? DAEMON_LOOPS).includes("retries") });
        return;
      case "queue":
        await this.#coordinator.dequeue();
        return;
    }
  }

  /**
   * Runs until `signal` aborts (SIGTERM): the loops' passes every `intervalMs`, refreshing the lock, and the run
   * queue in its own loop, woken early whenever a run ends so a freed slot is filled at once. Then releases the lock.
   */
  async run(signal: AbortSignal): Promise<void> {
    await this.acquire();
    const stop = () => this.#controller.abort(signal.reason);
    signal.addEventListener("abort", stop, { once: true });
    const loops = this.#options.loops ?? DAEMON_LOOPS;
    try {
      await Promise.all([this.#mainLoop(signal, loops.filter((loop) => loop !== "queue")), loops.includes("queue") ? this.#queueLoop(signal) : undefined]);
    } finally {
      signal.removeEventListener("abort", stop);
      await this.#options.instance.releaseDaemonLock(this.daemonId);
    }
  }

  async #mainLoop(signal: AbortSignal, loops: readonly DaemonLoop[]): Promise<void> {
    while (!signal.aborted) {
      await this.#passes(loops);
      if (signal.aborted) break;
      await this.acquire();
      await this.#clock.sleep(this.#options.intervalMs ?? 1_000, signal);
    }
  }

  async #queueLoop(signal: AbortSignal): Promise<void> {
    let wake: () => void = () => undefined;
    this.#options.launcher.onRunEnded?.(() => wake());
    while (!signal.aborted) {
      const woken = new Promise<void>((resolve) => (wake = resolve));
      await this.#passes(["queue"]);
      if (signal.aborted) break;
      await Promise.race([this.#clock.sleep(this.#options.intervalMs ?? 1_000, signal), woken]);
    }
  }
}
