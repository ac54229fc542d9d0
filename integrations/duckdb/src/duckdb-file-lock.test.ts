import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { isOrchError } from "@orch/core";
import { openDuckDB } from "./duckdb-database.ts";

const script = fileURLToPath(new URL("../test/hold-lock.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "orch-duckdb-lock-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function start(path: string, mode: "hold" | "once"): { child: ChildProcess; firstLine: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ["--conditions=@orch/source", script, path, mode], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const firstLine = new Promise<string>((resolve) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!);
    });
  });
  return { child, firstLine, exit: new Promise((resolve) => child.on("exit", resolve)) };
}

describe("one writer process per DuckDB file", () => {
  it("a second process opening the file for writing gets DUCKDB_FILE_LOCKED at once, not a hang", async () => {
    const path = join(dir, "locked.duckdb");
    const database = await openDuckDB({ path });
    await (await database.connect()).run("CREATE TABLE t (x INTEGER)");
    const other = start(path, "once");
    const line = JSON.parse(await other.firstLine) as { code: string; message: string };
    expect(await other.exit).toBe(3);
    expect(line.code).toBe("DUCKDB_FILE_LOCKED");
    expect(line.message).toContain(path);
    expect(line.message).toMatch(/PID \d+/);
    expect(line.message).toContain("one writer process per file");
    database.release();

    const after = start(path, "once");
    expect(await after.firstLine).toBe("opened");
    expect(await after.exit).toBe(0);
  });

  it("this process gets DUCKDB_FILE_LOCKED while another process holds the file", async () => {
    const path = join(dir, "held.duckdb");
    const holder = start(path, "hold");
    expect(await holder.firstLine).toBe("opened");
    const error = await openDuckDB({ path }).catch((e: unknown) => e);
    expect(isOrchError(error, "DUCKDB_FILE_LOCKED")).toBe(true);
    holder.child.kill("SIGKILL");
    await holder.exit;
    const database = await openDuckDB({ path });
    database.release();
  });

  it("everything in one process that opens the same file shares one database", async () => {
    const path = join(dir, "shared.duckdb");
    const [a, b] = await Promise.all([openDuckDB({ path }), openDuckDB({ path })]);
    expect(a.instance).toBe(b.instance);
    const connection = await a.connect();
    await connection.run("CREATE TABLE shared_t AS SELECT 1 AS x");
    connection.closeSync();
    a.release();
    const read = await (await b.connect()).runAndReadAll("SELECT x FROM shared_t");
    expect(read.getRowObjectsJS()).toEqual([{ x: 1 }]);
    b.release();
  });
});
