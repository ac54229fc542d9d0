import { spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** A throwaway PostgreSQL server for tests and benchmarks, started from Debian's binaries. */
export interface TestPostgres {
  /** `postgres://postgres@host:port/postgres` (trust authentication). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** The server's bin directory: `ORCH_PG_BINDIR`, else the newest /usr/lib/postgresql/<n>/bin. */
export function findPostgresBinDir(): string | undefined {
  const fromEnv = process.env["ORCH_PG_BINDIR"];
  if (fromEnv !== undefined) return existsSync(join(fromEnv, "initdb")) ? fromEnv : undefined;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/**
 * initdb + pg_ctl into a temporary folder, listening on `host` (127.0.0.1 by default, or also another local
 * address such as a veth end) on a free port. As root, the server runs as the `postgres` user, which initdb
 * requires. Tuned for tests: fsync stays on (acknowledged means durable), more connections than the default.
 */
export async function startTestPostgres(options: { readonly listen?: readonly string[]; readonly trustCidrs?: readonly string[] } = {}): Promise<TestPostgres> {
  const bin = findPostgresBinDir();
  if (bin === undefined) throw new Error("PostgreSQL server binaries not found (apt-get install -y postgresql, or set ORCH_PG_BINDIR).");
  const listen = options.listen ?? ["127.0.0.1"];
  const host = listen[0]!;
  const port = await freePort("127.0.0.1");
  const dir = mkdtempSync(join(tmpdir(), "orch-pg-"));
  chmodSync(dir, 0o777);
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? [runuserPath() ?? "runuser", ["-u", "postgres", "--", join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const result = spawnSync(file, argv, { encoding: "utf8", cwd: dir });
    if (result.status !== 0) throw new Error(`${cmd} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  // initdb trusts loopback only; clients from other addresses (network namespaces) need their own lines.
  for (const cidr of options.trustCidrs ?? []) appendFileSync(join(data, "pg_hba.conf"), `host all all ${cidr} trust\n`);
  const settings = [`-p ${port}`, `-k ${dir}`, `-c listen_addresses=${listen.join(",")}`, "-c max_connections=300", "-c shared_buffers=64MB"];
  run("pg_ctl", ["-D", data, "-w", "-l", join(dir, "server.log"), "-o", settings.join(" "), "start"]);
  let stopped = false;
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    host,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        run("pg_ctl", ["-D", data, "-w", "-m", "immediate", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Whether tests can start a server here. */
export function canStartTestPostgres(): boolean {
  if (findPostgresBinDir() === undefined) return false;
  if (process.getuid?.() !== 0) return true;
  return spawnSync("id", ["-u", "postgres"]).status === 0 && runuserPath() !== undefined;
}

/** util-linux's runuser, which lives in an sbin folder that a minimal PATH may leave out. */
function runuserPath(): string | undefined {
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter), "/usr/sbin", "/sbin", "/usr/bin", "/bin"];
  return dirs.filter((dir) => dir !== "").map((dir) => join(dir, "runuser")).find((path) => existsSync(path));
}
