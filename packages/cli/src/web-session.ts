import { randomUUID } from "node:crypto";
import { reexecute, watchForCancel, type InstanceStorage } from "@orch/core";
import { ensureUiBuilt } from "@orch/ui";
import { startWebserver, type Reexecutor, type RunningWebserver } from "@orch/webserver";
import { inProcessRunOptions } from "./commands/daemon.ts";
import type { Project } from "./project.ts";

export interface WebFlags {
  port: number;
  host: string;
  authToken?: string;
  readOnly?: boolean;
}

/** Starts the webserver over the project (building the UI first on a fresh checkout) and prints where it listens. */
export async function startProjectWebserver(project: Project, flags: WebFlags, daemonInProcess: boolean): Promise<RunningWebserver> {
  const definitions = await project.definitions();
  const instance = await project.storage();
  const uiDir = await ensureUiBuilt((line) => process.stderr.write(`orch webserver: ${line}\n`));
  const authToken = flags.authToken ?? process.env["ORCH_WEBSERVER_TOKEN"];
  const server = await startWebserver({
    definitions,
    instance,
    readOnly: flags.readOnly === true,
    host: flags.host,
    port: flags.port,
    ...(authToken ? { authToken } : {}),
    uiDir,
    reexecute: projectReexecutor(project, instance),
    info: { project: project.dir, instance: project.instanceDir, daemon: daemonInProcess ? "in this process (orch dev)" : "separate (orch daemon)" },
  });
  process.stderr.write(`orch webserver: serving ${server.url}${authToken ? `/?token=<token>` : ""}${flags.readOnly ? " (read-only)" : ""}\n`);
  return server;
}

/**
 * Re-executes a run in this process (like `orch reexecute`), answering once the new run's record exists, or with
 * the refusal (nothing to re-execute, run not finished) when it comes first.
 */
function projectReexecutor(project: Project, instance: InstanceStorage): Reexecutor {
  return async (parentRunId, options) => {
    const definitions = await project.definitions();
    const runId = randomUUID();
    const controller = new AbortController();
    const stopWatching = watchForCancel(instance, runId, controller);
    const done = reexecute(definitions, parentRunId, {
      ...options,
      instance,
      runId,
      signal: controller.signal,
      ...(await inProcessRunOptions(project, definitions)),
    }).finally(stopWatching);
    const created = (async () => {
      while (!(await instance.getRun(runId))) await new Promise((r) => setTimeout(r, 50));
      return runId;
    })();
    const started = await Promise.race([done.then(() => runId), created]);
    done.catch((error: Error) => process.stderr.write(`orch webserver: re-execution of ${parentRunId} failed: ${error.message}\n`));
    return started;
  };
}
