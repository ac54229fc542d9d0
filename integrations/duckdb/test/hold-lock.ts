// A second process for the lock test: opens the DuckDB file for writing, reports, then holds it until killed.
import { openDuckDB } from "../src/duckdb-database.ts";

const path = process.argv[2]!;
const mode = process.argv[3] ?? "hold";
try {
  const database = await openDuckDB({ path });
  const connection = await database.connect();
  await connection.run("CREATE TABLE IF NOT EXISTS held (x INTEGER)");
  process.stdout.write("opened\n");
  if (mode === "hold") setInterval(() => {}, 1_000);
  else database.release();
} catch (error) {
  process.stdout.write(JSON.stringify({ code: (error as { code?: string }).code, message: (error as Error).message }) + "\n");
  process.exitCode = 3;
}
