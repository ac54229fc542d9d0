import { Piscina } from "piscina";
import type { ThreadsExecutorConfig } from "./options.ts";
import type { TaskRequest, TaskResult } from "./protocol.ts";
import { StepChannel, type ChannelHost } from "./step-channel.ts";

// Source runs as .ts (type stripping), the published package as .js: the worker file sits beside this one.
const FROM_SOURCES = import.meta.url.endsWith(".ts");
const WORKER_FILE = new URL(`./worker/entry${FROM_SOURCES ? ".ts" : ".js"}`, import.meta.url).href;

export type StepPool = Piscina<TaskRequest, TaskResult>;

/** `onError` sees worker failures that hit no task (e.g. a worker that dies while starting up). */
export function createPool(config: ThreadsExecutorConfig, onError: (error: Error) => void): StepPool {
  // `env` reaches the workers' process.env only: native add-ons (polars reads POLARS_MAX_THREADS) see the process's.
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...config.env };
  const pool = new Piscina<TaskRequest, TaskResult>({
    filename: WORKER_FILE,
    maxThreads: config.maxThreads,
    minThreads: config.minThreads,
    idleTimeout: config.idleTimeoutMs,
    ...(config.resourceLimits ? { resourceLimits: config.resourceLimits } : {}),
    env,
    ...workerExecArgv(),
    // Each step is one task on one worker; queued tasks wait for a free worker.
    concurrentTasksPerWorker: 1,
  });
  // Without a listener, such an 'error' event would crash the main process.
  pool.on("error", onError);
  return pool;
}

/**
 * From sources (the monorepo), workers must resolve @orch/* to src/ as well. A parent started with
 * `--conditions=@orch/source` passes it on by itself; vitest and the CLI's resolve hook do not, so name it.
 * Only the flag is given: inherited V8 flags (e.g. --expose-gc) are refused in a worker's explicit execArgv.
 */
function workerExecArgv(): { execArgv?: string[] } {
  const inherited = `${process.execArgv.join(" ")} ${process.env["NODE_OPTIONS"] ?? ""}`.includes("@orch/source");
  return FROM_SOURCES && !inherited ? { execArgv: ["--conditions=@orch/source"] } : {};
}

/**
 * Tears down every live worker's resources and IO managers, then destroys the pool. Piscina cannot address a
 * worker directly, so one teardown task per worker is queued and each waits at a barrier until all have
 * arrived: no worker can take two, so every worker gets one.
 */
export async function closePool(pool: StepPool, host: ChannelHost, timeoutMs = 10_000): Promise<void> {
  const count = pool.threads.length;
  if (count > 0) {
    const channels = Array.from({ length: count }, () => new StepChannel(host));
    const releaseAll = () => channels.forEach((c) => c.release());
    let arrived = 0;
    for (const channel of channels) channel.onArrived(() => ++arrived === count && releaseAll());
    const timer = setTimeout(releaseAll, timeoutMs);
    await Promise.allSettled(channels.map((channel) => pool.run({ kind: "teardown", port: channel.port }, { transferList: [channel.port] })));
    clearTimeout(timer);
    await Promise.all(channels.map((c) => c.settled()));
    for (const channel of channels) channel.close();
  }
  await pool.destroy();
}
