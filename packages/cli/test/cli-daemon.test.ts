import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { collect, tempProject, waitForOutput, type TempProject } from "./fixture.ts";

/** A schedule whose evaluation can be slowed down (TICK_SLEEP_MS) and announces itself (TICK_MARKER). */
const DAEMON_DEFS = `
import { existsSync, unlinkSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { asset, defineDefinitions, schedule } from "@orch/core";

const report = asset({ key: "report", compute: async ({ signal }) => {
  if (process.env.SLOW_RUN) await sleep(60_000, undefined, { signal });
  // CRASH_ONCE=<path>: the first run to remove the file kills its own process (runs of one pass start together).
  if (process.env.CRASH_ONCE && existsSync(process.env.CRASH_ONCE)) {
    let removed = true;
    try {
      unlinkSync(process.env.CRASH_ONCE);
    } catch {
      removed = false;
    }
    if (removed) process.kill(process.pid, "SIGKILL");
  }
  return 1;
} });

export default defineDefinitions({
  assets: [report],
  schedules: [
    schedule({
      name: "every_minute",
      cron: "* * * * *",
      target: "report",
      evaluate: async () => {
        if (process.env.TICK_MARKER) writeFileSync(process.env.TICK_MARKER, "evaluating");
        await sleep(Number(process.env.TICK_SLEEP_MS ?? 0));
        return [{}];
      },
    }),
  ],
});
`;

const YAML = "module: ./defs.ts\ndaemon:\n  intervalMs: 100\n";

/** Polls `probe` until it answers; on timeout the error carries `explain()` (what the daemon said, the runs), for CI logs. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, explain?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${explain ? `\n${await explain()}` : ""}`);
    await sleep(50);
  }
}

async function withInstance<T>(project: TempProject, work: (instance: ReturnType<TempProject["instance"]>) => Promise<T>): Promise<T> {
  const instance = project.instance();
  try {
    return await work(instance);
  } finally {
    await instance.close();
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve({ code: child.exitCode, signal: child.signalCode }) : child.once("exit", (code, signal) => resolve({ code, signal }))));
}

describe("orch daemon", () => {
  it("starts a queued run in a child process, refuses a second daemon naming the first, and stops on SIGTERM", async () => {
    const project = await tempProject(YAML, DAEMON_DEFS);
    const queued = await project.run(["materialize", "--select", "report", "--queue"]);
    expect(queued.code, queued.stderr).toBe(0);
    const runId = queued.stdout.trim().split(" ")[0]!;
    expect(queued.stdout.trim()).toBe(`${runId} QUEUED`);
    const listed = await project.run(["runs", "list"]);
    expect(listed.stdout).toContain("QUEUED (ready: waiting for the daemon's run queue");

    const daemon = project.spawn(["daemon"]);
    const done = collect(daemon);
    await waitForOutput(daemon, "orch daemon: started");
    await until("the queued run to succeed", () => withInstance(project, async (i) => ((await i.getRun(runId))?.status === "SUCCESS" ? true : undefined)));
    expect(existsSync(join(project.dir, ".orch", "run-logs", `${runId}.log`))).toBe(true);

    const second = await project.run(["daemon"]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`Another orch daemon is running on this instance: pid ${daemon.pid} on .+, last heartbeat [0-9.]+ s ago`));

    daemon.kill("SIGTERM");
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("finishing the tick in progress");
    expect(result.stderr).toContain("orch daemon: stopped");
    // A run enqueued while no daemon runs stays queued.
    const later = await project.run(["materialize", "--select", "report", "--queue"]);
    await sleep(300);
    await withInstance(project, async (i) => expect((await i.getRun(later.stdout.split(" ")[0]!))?.status).toBe("QUEUED"));
  });

  it("launches a tick's run exactly once when the daemon is SIGKILLed mid-tick and restarted", async () => {
    const project = await tempProject(YAML, DAEMON_DEFS);
    const marker = join(project.dir, "tick.txt");
    // The schedule has been running for 90 s: a tick is due the moment the daemon starts.
    await withInstance(project, (i) =>
      i.setInstigatorStates([{ name: "every_minute", kind: "schedule", status: "running", lastTickAt: Date.now() - 90_000, updatedAt: Date.now() }]),
    );

    const first = project.spawn(["daemon"], { TICK_MARKER: marker, TICK_SLEEP_MS: "5000" });
    await until("the tick to be evaluating", async () => (existsSync(marker) ? true : undefined));
    first.kill("SIGKILL");
    expect((await exited(first)).signal).toBe("SIGKILL");
    await withInstance(project, async (i) => expect(await i.listRuns({ tags: { "orch/schedule": "every_minute" } })).toEqual([]));

    // Restarted: the tick is evaluated again and its run enqueued; kill it again as soon as the run exists.
    const second = project.spawn(["daemon"]);
    const runId = await until("the tick's run", () =>
      withInstance(project, async (i) => (await i.listRuns({ tags: { "orch/schedule": "every_minute" } }))[0]?.runId),
    );
    second.kill("SIGKILL");
    await exited(second);

    const third = project.spawn(["daemon"]);
    const done = collect(third);
    await waitForOutput(third, "orch daemon: started");
    await until("the run to end", () => withInstance(project, async (i) => ((await i.getRun(runId))?.status === "SUCCESS" ? true : undefined)));
    await sleep(500); // a few more daemon passes over the same (already launched) tick
    third.kill("SIGTERM");
    expect((await done).code).toBe(0);

    await withInstance(project, async (i) => {
      const runs = await i.listRuns({ tags: { "orch/schedule": "every_minute" } });
      const scheduled = new Set(runs.map((r) => r.tags["orch/scheduled-time"]));
      expect(runs.length).toBe(scheduled.size);
      expect(runs.map((r) => r.runId)).toContain(runId);
    });
  });

  it("cancels a running run: CANCELING, then the child process cancels it through its signal", async () => {
    const project = await tempProject(YAML, DAEMON_DEFS);
    const queued = await project.run(["materialize", "--select", "report", "--queue"]);
    const runId = queued.stdout.split(" ")[0]!;
    const daemon = project.spawn(["daemon"], { SLOW_RUN: "1" });
    const done = collect(daemon);
    await until("the run to start", () => withInstance(project, async (i) => ((await i.getEvents(runId, { types: ["STEP_START"] })).length ? true : undefined)));
    const cancel = await project.run(["runs", "cancel", runId]);
    expect(cancel.stdout).toContain(`${runId} CANCELING`);
    await until("the run to be canceled", () => withInstance(project, async (i) => ((await i.getRun(runId))?.status === "CANCELED" ? true : undefined)));
    daemon.kill("SIGTERM");
    await done;
  });

  it("survives a run whose process dies: that run ends FAILURE naming the signal, the next one runs", async () => {
    const project = await tempProject(YAML, DAEMON_DEFS);
    const marker = join(project.dir, "crash-once");
    writeFileSync(marker, "");
    const first = (await project.run(["materialize", "--select", "report", "--queue"])).stdout.split(" ")[0]!;
    const second = (await project.run(["materialize", "--select", "report", "--queue"])).stdout.split(" ")[0]!;
    const daemon = project.spawn(["daemon"], { CRASH_ONCE: marker });
    const done = collect(daemon);
    await until("both runs to end", () =>
      withInstance(project, async (i) => {
        const statuses = await Promise.all([first, second].map(async (id) => (await i.getRun(id))?.status));
        return statuses.every((s) => s === "SUCCESS" || s === "FAILURE") ? statuses : undefined;
      }),
    );
    await withInstance(project, async (i) => {
      const crashed = [await i.getRun(first), await i.getRun(second)].find((r) => r?.status === "FAILURE");
      const ok = [await i.getRun(first), await i.getRun(second)].find((r) => r?.status === "SUCCESS");
      expect(crashed?.statusReason).toMatch(/run worker \(pid \d+\) was killed by SIGKILL/);
      expect(ok).toBeDefined();
      // The step in flight is closed too, with the same account of the death, and the run ends when it died.
      const [stepFailure] = await i.getEvents(crashed!.runId, { types: ["STEP_FAILURE"] });
      expect(stepFailure).toMatchObject({ stepKey: "report", error: { code: "RUN_WORKER_CRASHED", message: expect.stringContaining("was killed by SIGKILL") } });
      expect(crashed!.endedAt).toBeGreaterThanOrEqual(stepFailure!.timestamp);
    });
    daemon.kill("SIGTERM");
    expect((await done).code).toBe(0);
  });

  it("retries a run whose process died (orch.yaml runs.retries), and orch runs list|show tell the lineage", async () => {
    const project = await tempProject(`${YAML}runs:\n  retries:\n    maxRetries: 1\n`, DAEMON_DEFS);
    const marker = join(project.dir, "crash-once");
    writeFileSync(marker, "");
    const daemon = project.spawn(["daemon"], { CRASH_ONCE: marker });
    let said = "";
    daemon.stderr!.on("data", (d: Buffer) => (said += d.toString()));
    const done = collect(daemon);
    await waitForOutput(daemon, "orch daemon: started");
    const crashed = (await project.run(["materialize", "--select", "report", "--queue"])).stdout.split(" ")[0]!;
    const retry = await until(
      "the retry to succeed",
      () =>
        withInstance(project, async (i) => {
          const [run] = (await i.listRuns({ limit: 10 })).filter((r) => r.parentRunId === crashed && r.status === "SUCCESS");
          return run;
        }),
      30_000,
      async () => `daemon said:\n${said}\nruns:\n${(await project.run(["runs", "list"])).stdout}`,
    );
    expect(retry.tags["orch/retry_number"]).toBe("1");
    await withInstance(project, async (i) => expect(await i.getRun(crashed)).toMatchObject({ status: "FAILURE", statusReason: expect.stringContaining("SIGKILL") }));
    const listed = (await project.run(["runs", "list"])).stdout;
    expect(listed).toMatch(new RegExp(`${crashed} +FAILURE .*retried as ${retry.runId}`));
    expect(listed).toMatch(new RegExp(`${retry.runId} +SUCCESS .*retry 1 \\(parent ${crashed}\\)`));
    const shown = (await project.run(["runs", "show", crashed])).stdout;
    expect(shown).toContain(`retried   as ${retry.runId}`);
    daemon.kill("SIGTERM");
    expect((await done).code).toBe(0);
    await withInstance(project, async (i) => expect(await i.listRuns({ limit: 10 })).toHaveLength(2));
  });
});
