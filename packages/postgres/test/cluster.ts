import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { FINISHED_STATUSES, type InstanceStorage, type RunRecord } from "@orch/core";
import { postgresStorage, type PostgresStorage } from "../src/index.ts";

const here = dirname(fileURLToPath(import.meta.url));
const ORCH_BIN = resolve(here, "../../cli/bin/orch.js");
const REPO_NODE_MODULES = resolve(here, "../../../node_modules");

/**
 * Definitions for distributed tests: `work` appends its run id to `$ORCH_TEST_SHARED/executions.log` when it
 * starts (so a run executed twice shows twice), then sleeps WORK_MS.
 */
export const CLUSTER_DEFS = `
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { asset, defineDefinitions } from "@orch/core";

const work = asset({ key: "work", compute: async ({ runId, signal }) => {
  appendFileSync(join(process.env.ORCH_TEST_SHARED, "executions.log"), runId + " " + process.pid + "\\n");
  await sleep(Number(process.env.WORK_MS ?? 0), undefined, { signal });
  return 1;
} });

export default defineDefinitions({ assets: [work] });
`;

export interface Cluster {
  readonly dir: string;
  readonly storage: PostgresStorage;
  /**
   * Starts `orch <args>` in the project, optionally inside a network namespace, or under another host name (its
   * own UTS namespace, root only): a process of "another host" to this one's pid checks, on the same machine.
   */
  spawn(args: readonly string[], options?: { readonly netns?: string; readonly url?: string; readonly hostname?: string }): ChildProcess;
  run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Run ids in executions.log, in order, with the pid that executed each. */
  executions(): Promise<{ runId: string; pid: number }[]>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly defs?: string;
  /** runs.maxConcurrent: how many runs the daemon releases to the workers at once. Default 8. */
  readonly maxConcurrent?: number;
  /** runs.staleAfterMs and daemon.staleAfterMs. Default 3,000 ms. */
  readonly staleAfterMs?: number;
  /** runs.retries, as YAML flow (`{ maxRetries: 1 }`). Default: none. */
  readonly retries?: string;
  /** Extra orch.yaml lines (e.g. an executor). */
  readonly yaml?: readonly string[];
}

export async function startCluster(url: string, schema: string, env: Record<string, string> = {}, options: ClusterOptions = {}): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), "orch-pg-cluster-"));
  await symlink(REPO_NODE_MODULES, join(dir, "node_modules"), "dir");
  await writeFile(join(dir, "defs.ts"), options.defs ?? CLUSTER_DEFS);
  await writeFile(
    join(dir, "orch.yaml"),
    [
      "module: ./defs.ts",
      'plugins: ["@orch/postgres"]',
      `storage: { type: postgres, config: { url: { env: ORCH_PG_URL }, schema: ${schema}, poolSize: 4 } }`,
      `runs: { heartbeatMs: 250, staleAfterMs: ${options.staleAfterMs ?? 3000}, maxConcurrent: ${options.maxConcurrent ?? 8}${options.retries ? `, retries: ${options.retries}` : ""} }`,
      `daemon: { intervalMs: 100, staleAfterMs: ${options.staleAfterMs ?? 3000}, launcher: queue }`,
      ...(options.yaml ?? []),
      "",
    ].join("\n"),
  );
  await writeFile(join(dir, "executions.log"), "");
  const children: ChildProcess[] = [];
  const storage = postgresStorage({ url, schema, poolSize: 2 });
  const cluster: Cluster = {
    dir,
    storage,
    spawn(args, options = {}) {
      const argv = ["--conditions=@orch/source", ORCH_BIN, ...args];
      // unshare and sh exec the next program in the same process: the child's pid is node's.
      const [file, fileArgs] = options.netns
        ? ["ip", ["netns", "exec", options.netns, process.execPath, ...argv]]
        : options.hostname
          ? ["unshare", ["--uts", "sh", "-c", 'hostname "$0" && exec "$@"', options.hostname, process.execPath, ...argv]]
          : [process.execPath, argv];
      const child = spawn(file, fileArgs, {
        cwd: dir,
        env: { ...process.env, CI: "1", NO_COLOR: "1", ORCH_PG_URL: options.url ?? url, ORCH_TEST_SHARED: dir, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      return child;
    },
    run(args) {
      const child = cluster.spawn(args);
      let stdout = "";
      let stderr = "";
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      return new Promise((resolve) => child.once("close", (code: number | null) => resolve({ code, stdout, stderr })));
    },
    async executions() {
      const text = await readFile(join(dir, "executions.log"), "utf8");
      return text
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [runId, pid] = line.split(" ");
          return { runId: runId!, pid: Number(pid) };
        });
    },
    async close() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await Promise.all(children.map((child) => (child.exitCode !== null || child.signalCode !== null ? undefined : new Promise((r) => child.once("exit", r)))));
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** Resolves once the child's stderr contains `text`; the output so far is in the error otherwise. */
export function waitForOutput(child: ChildProcess, text: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; saw:\n${seen}`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        child.stderr!.off("data", onData);
        resolve();
      }
    };
    child.stderr!.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!seen.includes(text)) reject(new Error(`exited (${code ?? signal}) before "${text}"; saw:\n${seen}`));
    });
  });
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", () => r()));
}

/** Waits until every run has ended and returns their records. */
export function allEnded(storage: InstanceStorage, runIds: readonly string[], timeoutMs = 90_000): Promise<RunRecord[]> {
  return until(
    "every run to end",
    async () => {
      const all = await Promise.all(runIds.map((id) => storage.getRun(id)));
      return all.every((r) => r !== undefined && FINISHED_STATUSES.has(r.status)) ? all.map((r) => r!) : undefined;
    },
    timeoutMs,
  );
}

/** How many times each run id appears in executions.log. */
export function executionCounts(executions: readonly { runId: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of executions) counts.set(e.runId, (counts.get(e.runId) ?? 0) + 1);
  return counts;
}
