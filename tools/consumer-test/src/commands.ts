import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a user's shell: none of the `npm_*` variables of the `npm test` running us, and no
 * NODE_OPTIONS (a `--conditions=@orch/source` there would point installed packages at their sources).
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name) && name !== "NODE_OPTIONS" && name !== "INIT_CWD" && name !== "ORCH_HOME") env[name] = value;
  }
  return { ...env, CI: "1", NO_COLOR: "1", ...extra };
}

/** Runs a command to completion; never throws for a non-zero exit (the caller asserts on `code`). */
export async function run(command: string, args: readonly string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<Ran> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd, env: userEnv(extraEnv), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof failed.code === "number" ? failed.code : -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? failed.message };
  }
}

/** Like run(), but a failure throws with the command's output, so a broken step stops the setup clearly. */
export async function runOrThrow(command: string, args: readonly string[], cwd: string): Promise<string> {
  const ran = await run(command, args, cwd);
  if (ran.code !== 0) throw new Error(`\`${command} ${args.join(" ")}\` in ${cwd} exited ${ran.code}:\n${ran.stderr}\n${ran.stdout}`);
  return ran.stdout;
}

/** npm install as the README tells users, from the cache when it can (third-party packages come from the registry). */
export const npmInstall = (cwd: string) => runOrThrow("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], cwd);
