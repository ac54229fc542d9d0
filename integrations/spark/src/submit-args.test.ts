import { describe, expect, it } from "vitest";
import { parseLog4jLine } from "./log4j.ts";
import { checkConf, redactedCommand, sparkSubmitArgs } from "./submit-args.ts";

const pipesEnv = { driverEnv: { ORCH_PIPES_CONTEXT: "/shared/c.json", ORCH_PIPES_MESSAGES: "/shared/m.jsonl", API_TOKEN: "t0k3n" }, executorEnv: { ORCH_PIPES_CONTEXT: "/shared/c.json" } };

describe("sparkSubmitArgs", () => {
  it("builds options, confs, then the application and its args (client mode: no driver env confs)", () => {
    const args = sparkSubmitArgs(
      { master: "local[4]", deployMode: "client", conf: { "spark.executor.memory": "2g", "spark.dynamicAllocation.enabled": false }, jars: ["/j/a.jar"], packages: ["org.apache.hadoop:hadoop-aws:3.3.4"], pyFiles: ["/p/lib.zip"] },
      { application: "/jobs/app.py", args: ["--date", "2024-01-01"], name: "orders", conf: { "spark.executor.memory": "4g" }, pyFiles: ["/p/orch_pipes.py"], files: ["/f/lookup.csv"], extraArgs: ["--driver-memory", "1g"] },
      pipesEnv,
    );
    expect(args).toEqual([
      "--master", "local[4]", "--deploy-mode", "client", "--name", "orders",
      "--jars", "/j/a.jar", "--packages", "org.apache.hadoop:hadoop-aws:3.3.4", "--py-files", "/p/lib.zip,/p/orch_pipes.py", "--files", "/f/lookup.csv",
      "--conf", "spark.executor.memory=4g", "--conf", "spark.dynamicAllocation.enabled=false", "--conf", "spark.executorEnv.ORCH_PIPES_CONTEXT=/shared/c.json",
      "--driver-memory", "1g", "/jobs/app.py", "--date", "2024-01-01",
    ]);
  });

  it.each([
    ["yarn", "spark.yarn.appMasterEnv."],
    ["k8s://https://10.0.0.1:6443", "spark.kubernetes.driverEnv."],
  ])("cluster mode on %s passes the driver's environment as %s* confs", (master, prefix) => {
    const args = sparkSubmitArgs({ master, deployMode: "cluster" }, { application: "hdfs:///jobs/app.py" }, pipesEnv);
    expect(args).toContain(`${prefix}ORCH_PIPES_CONTEXT=/shared/c.json`);
    expect(args).toContain(`${prefix}ORCH_PIPES_MESSAGES=/shared/m.jsonl`);
    expect(args).toContain(`${prefix}API_TOKEN=t0k3n`);
  });

  it("redacts environment and secret-looking confs in the displayed command, as Spark does", () => {
    const args = sparkSubmitArgs({ master: "yarn", deployMode: "cluster", conf: { "spark.hadoop.fs.s3a.secret.key": "abc", "spark.app.owner": "etl" } }, { application: "/a.py" }, pipesEnv);
    const shown = redactedCommand("spark-submit", args);
    expect(shown).not.toContain("t0k3n");
    expect(shown).not.toContain("=abc");
    expect(shown).toContain("--conf spark.yarn.appMasterEnv.API_TOKEN=*********(redacted)");
    expect(shown).toContain("--conf spark.hadoop.fs.s3a.secret.key=*********(redacted)");
    expect(shown).toContain("--conf spark.app.owner=etl");
  });

  it("refuses conf keys and values spark-submit would misread", () => {
    expect(() => checkConf({ "spark.a=b": "c" }, 'asset "x"')).toThrow('[orch] [spark] asset "x": Spark conf key "spark.a=b" must be non-empty, without spaces or "="');
    expect(() => checkConf({ "spark.a": "line1\nline2" }, 'asset "x"')).toThrow("Spark conf spark.a must be a single-line string, number or boolean");
  });
});

describe("parseLog4jLine", () => {
  it("reads level, logger and message from Spark's default layout", () => {
    expect(parseLog4jLine("24/03/02 10:15:01 INFO SparkContext: Running Spark version 3.5.1")).toEqual({ timestamp: "24/03/02 10:15:01", level: "info", logger: "SparkContext", message: "Running Spark version 3.5.1" });
    expect(parseLog4jLine("24/03/02 10:15:01 WARN NativeCodeLoader: Unable to load native-hadoop library")?.level).toBe("warn");
    expect(parseLog4jLine("24/03/02 10:15:09 ERROR TaskSetManager: Task 0 in stage 1.0 failed 4 times; aborting job")).toMatchObject({ level: "error", logger: "TaskSetManager" });
    expect(parseLog4jLine("24/03/02 10:15:09 FATAL SparkContext: boom")?.level).toBe("error");
  });

  it("leaves other lines (Python output, stack traces) alone", () => {
    expect(parseLog4jLine("Traceback (most recent call last):")).toBeUndefined();
    expect(parseLog4jLine("\tat org.apache.spark.deploy.SparkSubmit.main(SparkSubmit.scala:1120)")).toBeUndefined();
  });
});
