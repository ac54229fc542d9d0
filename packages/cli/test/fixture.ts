import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sqliteStorage, type SqliteStorage } from "@orch/sqlite";
import { afterEach } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
export const ORCH_BIN = resolve(here, "../bin/orch.js");
const REPO_NODE_MODULES = resolve(here, "../../../node_modules");

/**
 * The definitions every CLI test uses. Environment switches: FAIL_TOTAL=1 makes `total` throw; SLOW=<step key>
 * makes that step wait (up to a minute) until the run is canceled; MARKER=<path> is written by the `warehouse`
 * resource's teardown; FAIL_REGION=<partition> makes `regional` throw for that partition.
 */
export const DEFS = `
import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { asset, defineDefinitions, defineResource, staticPartitions } from "@orch/core";

const slow = async (key: string, signal: AbortSignal) => {
  if (process.env.SLOW === key) await sleep(60_000, undefined, { signal });
};

const warehouse = defineResource({
  create: () => ({ name: "wh" }),
  teardown: () => {
    if (process.env.MARKER) writeFileSync(process.env.MARKER, "torn down");
  },
})();

const raw = asset({ key: ["raw", "orders"], group: "sales", compute: async ({ log, signal }) => {
  log.info("fetched 3 orders");
  await slow("raw/orders", signal);
  return [1, 2, 3];
} });
const total = asset({ key: "total", group: "sales", ins: { raw }, resources: ["warehouse"], compute: async ({ ins, signal }) => {
  await slow("total", signal);
  if (process.env.FAIL_TOTAL) throw new Error("total is broken");
  return (ins.raw as number[]).reduce((a, b) => a + b, 0);
} });
const report = asset({ key: "report", group: "reporting", ins: { total }, compute: ({ ins }) => ({ total: ins.total }) });
const regional = asset({ key: "regional", partitions: staticPartitions(["eu", "us", "apac"]), compute: ({ partitionKey }) => {
  if (process.env.FAIL_REGION === partitionKey) throw new Error(\`region \${partitionKey} is down\`);
  return partitionKey;
} });

export default defineDefinitions({
  assets: [raw, total, report, regional],
  resources: { warehouse },
  jobs: [{ kind: "orch.job", name: "sales_job", selection: "group:sales", tags: { team: "sales" } }],
});
`;

export interface TempProject {
  readonly dir: string;
  /** `cwd` is relative to the project folder (default: the folder itself). */
  run(args: readonly string[], env?: Record<string, string>, cwd?: string): Promise<CliResult>;
  spawn(args: readonly string[], env?: Record<string, string>, cwd?: string): ChildProcess;
  /** Opens the project's SQLite instance (close it when done). */
  instance(): SqliteStorage;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** CLI processes started by tests that have not exited: a test that fails before stopping its daemon leaves none behind. */
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
});

export async function tempProject(orchYaml = "module: ./defs.ts\n", defs = DEFS): Promise<TempProject> {
  const dir = await mkdtemp(join(tmpdir(), "orch-cli-"));
  // The project resolves @orch/* the way an installed project would: through node_modules.
  await symlink(REPO_NODE_MODULES, join(dir, "node_modules"), "dir");
  await writeFile(join(dir, "defs.ts"), defs);
  if (orchYaml) await writeFile(join(dir, "orch.yaml"), orchYaml);
  const spawnCli = (args: readonly string[], env: Record<string, string> = {}, cwd = ".") => {
    const { ORCH_HOME: _home, ...parentEnv } = process.env;
    const child = spawn(process.execPath, [ORCH_BIN, ...args], { cwd: join(dir, cwd), env: { ...parentEnv, CI: "1", NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    child.once("exit", () => running.delete(child));
    return child;
  };
  return {
    dir,
    spawn: spawnCli,
    run: (args, env, cwd) => collect(spawnCli(args, env, cwd)),
    instance: () => sqliteStorage({ path: join(dir, ".orch", "orch.db") }),
  };
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Resolves once the child's stderr contains `text`. */
export function waitForOutput(child: ChildProcess, text: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; saw:\n${seen}`)), timeoutMs);
    child.stderr!.on("data", (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}
