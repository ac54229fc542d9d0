import { join, resolve } from "node:path";
import { sqliteStorage, type SqliteStorage, type SqliteStorageOptions } from "./sqlite-storage.ts";

/** The instance home: `ORCH_HOME` when set (relative to `cwd`), else `.orch/` in `cwd` (the CLI passes its project folder). */
export function defaultInstanceDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env.ORCH_HOME ? resolve(cwd, env.ORCH_HOME) : join(cwd, ".orch");
}

/** Opens `<dir>/orch.db`, creating the folder if needed. */
export function sqliteStorageFromHome(
  dir: string = defaultInstanceDir(),
  options: Omit<SqliteStorageOptions, "path"> = {},
): SqliteStorage {
  return sqliteStorage({ ...options, path: join(dir, "orch.db") });
}
