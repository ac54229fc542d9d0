import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** A SPARK_HOME whose bin/spark-submit is the fake (see its header). */
export const FAKE_SPARK_HOME = join(here, "fake-spark");
export const ORDERS_JOB = join(here, "apps", "orders_job.py");
/** The Python Pipes client, shipped to the job with --py-files as a real deployment would. */
export const ORCH_PIPES_PY = fileURLToPath(import.meta.resolve("@orch/pipes/python/orch_pipes.py"));
export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));
