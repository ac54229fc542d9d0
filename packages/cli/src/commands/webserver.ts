import type { Command } from "commander";
import { withProject } from "../cli-context.ts";
import { startProjectWebserver, type WebFlags } from "../web-session.ts";
import { buildDaemon, type DaemonFlags } from "./daemon.ts";
import { positiveInt } from "./runs.ts";

function addWebFlags(command: Command): Command {
  return command
    .option("--port <port>", "port to listen on", (v) => positiveInt(v, "--port"), 3000)
    .option("--host <host>", "address to listen on; anything but loopback needs --auth-token", "127.0.0.1")
    .option("--auth-token <token>", "token every API request must carry (default ORCH_WEBSERVER_TOKEN)")
    .option("--read-only", "serve the UI with every mutation (launch, cancel, re-execute, start/stop) disabled");
}

/** Resolves on SIGINT/SIGTERM. */
function untilStopped(): { promise: Promise<string>; dispose: () => void } {
  let dispose = () => undefined as void;
  const promise = new Promise<string>((resolve) => {
    const onInt = () => resolve("SIGINT");
    const onTerm = () => resolve("SIGTERM");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
    dispose = () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    };
  });
  return { promise, dispose };
}

/** `orch webserver`: the UI and its API alone (run `orch daemon` beside it for schedules and the queue). */
export function registerWebserver(program: Command): void {
  addWebFlags(program.command("webserver").description("serve the web UI and its API over this instance (runs launched there wait for orch daemon)")).action(
    (flags: WebFlags, command: Command) =>
      withProject(command, async (project) => {
        const server = await startProjectWebserver(project, flags, false);
        const stopped = untilStopped();
        await stopped.promise;
        stopped.dispose();
        await server.close();
      }),
  );
}

/** `orch dev`: the daemon and the webserver in one process, like `dagster dev`. */
export function registerDev(program: Command): void {
  addWebFlags(program.command("dev").description("run the daemon and serve the web UI in one process until Ctrl-C"))
    .option("--interval-ms <ms>", "how often each daemon loop wakes", (v) => positiveInt(v, "--interval-ms"))
    .action((flags: WebFlags & DaemonFlags, command: Command) =>
      withProject(command, async (project, globals) => {
        const { daemon, launcher } = await buildDaemon(project, { launcher: "in_process", ...(flags.intervalMs ? { intervalMs: flags.intervalMs } : {}) }, globals.module);
        await daemon.acquire();
        const controller = new AbortController();
        const running = daemon.run(controller.signal);
        let server;
        try {
          server = await startProjectWebserver(project, flags, true);
          process.stderr.write(`orch dev: daemon running (pid ${process.pid}); Ctrl-C stops both.\n`);
          const stopped = untilStopped();
          await Promise.race([stopped.promise, running]);
          stopped.dispose();
        } finally {
          controller.abort(new Error("orch dev stopped"));
          await server?.close();
          await running;
          await launcher.drain?.();
          process.stderr.write("orch dev: stopped\n");
        }
      }),
    );
}
