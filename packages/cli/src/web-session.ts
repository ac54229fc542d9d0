import { ensureUiBuilt } from "@orch/ui";
import { startWebserver, type RunningWebserver } from "@orch/webserver";
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
    info: { project: project.dir, instance: project.instanceDir, daemon: daemonInProcess ? "in this process (orch dev)" : "separate (orch daemon)" },
  });
  process.stderr.write(`orch webserver: serving ${server.url}${authToken ? `/?token=<token>` : ""}${flags.readOnly ? " (read-only)" : ""}\n`);
  return server;
}
