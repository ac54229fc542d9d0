import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_SPARK_HOME, ORDERS_JOB, tempDir } from "./fixtures.ts";

// The fake stands in for Spark 3.5's spark-submit; these pin the behaviour the integration tests rely on.
const submit = (args: string[], env: Record<string, string> = {}) => spawnSync(join(FAKE_SPARK_HOME, "bin", "spark-submit"), args, { encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } });

describe("the fake spark-submit", () => {
  it.each([
    [["--frobnicate", ORDERS_JOB], `Exception in thread "main" org.apache.spark.SparkException: Unrecognized option '--frobnicate'.`],
    [["--conf", "spark.executor.memory", ORDERS_JOB], `org.apache.spark.SparkException: Spark config without '=': spark.executor.memory`],
    [["--deploy-mode", "remote", ORDERS_JOB], `--deploy-mode must be either "client" or "cluster"`],
    [["--master", "local[2]"], "Must specify a primary resource (JAR or Python or R file)"],
    [["--master", "yarn", ORDERS_JOB], "When running with master 'yarn' either HADOOP_CONF_DIR or YARN_CONF_DIR must be set in the environment."],
  ])("refuses %j with exit 1 and Spark's message", (args, message) => {
    const run = submit(args);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
  });

  it("fails like PythonRunner on a missing application file: python's message and its exit code", () => {
    const run = submit(["--master", "local[2]", "/no/such/job.py"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("can't open file '/no/such/job.py': [Errno 2] No such file or directory");
    expect(run.stderr).toMatch(/INFO SparkContext: Running Spark version 3\.5\.1/);
  });

  it("records --kill requests", () => {
    const log = join(tempDir("fake-spark-"), "kills.log");
    const run = submit(["--kill", "default:job-driver", "--master", "k8s://https://127.0.0.1:6443"], { FAKE_SPARK_KILL_LOG: log });
    expect(run.status).toBe(0);
    expect(readFileSync(log, "utf8")).toBe("default:job-driver k8s://https://127.0.0.1:6443\n");
  });
});
