import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defineDefinitions, materialize, memoryStorage, dailyPartitions, type OrchEvent } from "@orch/core";
import { describe, expect, it } from "vitest";
import { FAKE_SPARK_HOME, ORCH_PIPES_PY, ORDERS_JOB, tempDir } from "../test/fixtures.ts";
import { sparkAsset } from "./spark-asset.ts";
import { sparkSubmitResource } from "./spark-resource.ts";

const partitions = dailyPartitions({ start: "2024-03-01", end: "2024-03-10" });

function ordersAsset(mode = "ok", extra: Partial<Parameters<typeof sparkAsset>[0]> = {}) {
  return sparkAsset({
    key: ["lake", "orders"],
    application: ORDERS_JOB,
    pyFiles: [ORCH_PIPES_PY],
    partitions,
    args: (context) => [mode, `--date=${context.partitionKey}`],
    conf: { "spark.sql.shuffle.partitions": 8 },
    ...extra,
  });
}

async function run(asset: ReturnType<typeof sparkAsset>, resource: Parameters<typeof sparkSubmitResource>[0], signal?: AbortSignal) {
  const instance = memoryStorage();
  const defs = defineDefinitions({ assets: [asset], resources: { spark: sparkSubmitResource(resource) } });
  const result = await materialize(defs, { instance, partitionKey: "2024-03-02", ...(signal ? { signal } : {}) });
  return { status: result.status, events: await instance.getEvents(result.runId) };
}

const ofType = <T extends OrchEvent["type"]>(events: readonly OrchEvent[], type: T) => events.filter((e): e is Extract<OrchEvent, { type: T }> => e.type === type);
const failureOf = (events: readonly OrchEvent[]) => ofType(events, "STEP_FAILURE")[0]?.error;
const yarn = { sparkHome: FAKE_SPARK_HOME, master: "yarn", env: { HADOOP_CONF_DIR: "/etc/hadoop/conf" } };

describe("sparkAsset against the fake spark-submit", () => {
  it("client mode: the job's Pipes report becomes the materialization, with the application id and tracking URL", async () => {
    const { status, events } = await run(ordersAsset(), yarn);
    expect(status).toBe("SUCCESS");
    const [materialization, ...others] = ofType(events, "ASSET_MATERIALIZATION");
    expect(others).toHaveLength(0);
    expect(materialization).toMatchObject({
      assetKey: ["lake", "orders"],
      partition: "2024-03-02",
      dataVersion: "orders-2024-03-02",
      metadata: {
        rows: 1200,
        partition: "2024-03-02",
        shuffle_partitions: "8",
        args: ["ok", "--date=2024-03-02"],
        "spark/master": "yarn",
        "spark/deploy_mode": "client",
        "spark/version": "3.5.1",
        "spark/application_id": expect.stringMatching(/^application_\d+_0001$/),
        "spark/tracking_url": { type: "url", value: expect.stringMatching(/^http:\/\/resourcemanager:8088\/proxy\/application_\d+_0001\/$/) },
      },
    });
    expect(ofType(events, "ASSET_CHECK_EVALUATION")).toEqual([expect.objectContaining({ checkName: "no_null_order_ids", passed: true, assetKey: ["lake", "orders"] })]);
    const logs = ofType(events, "LOG");
    expect(logs).toContainEqual(expect.objectContaining({ level: "info", message: "Running Spark version 3.5.1", metadata: expect.objectContaining({ "spark/logger": "SparkContext" }) }));
    expect(logs).toContainEqual(expect.objectContaining({ level: "warn", metadata: expect.objectContaining({ "spark/logger": "NativeCodeLoader" }) }));
    expect(logs).toContainEqual(expect.objectContaining({ level: "info", message: expect.stringContaining("Finished task 1.0 in stage 0.0 (TID 1)"), metadata: expect.objectContaining({ "spark/logger": "TaskSetManager" }) }));
    expect(logs).toContainEqual(expect.objectContaining({ level: "info", message: "reading orders for 2024-03-02" }));
    expect(logs).toContainEqual(expect.objectContaining({ message: "driver stdout: processing 2024-03-02", metadata: { "pipes/stream": "stdout" } }));
    const command = logs.find((e) => e.message.startsWith("Pipes: started spark-submit "))!.message;
    expect(command).toContain("--master yarn --deploy-mode client --py-files");
    expect(command).toContain("--conf spark.executorEnv.ORCH_PIPES_CONTEXT=*********(redacted)");
    expect(command).toMatch(/orders_job\.py ok --date=2024-03-02 \(pid \d+\)$/);
  });

  it("cluster mode on YARN: the driver gets the Pipes context through spark.yarn.appMasterEnv.* and writes to the shared pipesDir", async () => {
    const pipesDir = tempDir("orch-spark-shared-");
    const { status, events } = await run(ordersAsset(), { ...yarn, deployMode: "cluster", pipesDir });
    expect(status).toBe("SUCCESS");
    expect(ofType(events, "ASSET_MATERIALIZATION")[0]?.metadata).toMatchObject({ rows: 1200, "spark/deploy_mode": "cluster" });
    expect(ofType(events, "LOG").find((e) => e.message.startsWith("Pipes: started spark-submit "))?.message).toContain("--conf spark.yarn.appMasterEnv.ORCH_PIPES_MESSAGES=*********(redacted)");
  });

  it("cancel in Kubernetes cluster mode kills spark-submit and runs spark-submit --kill with the submission id", async () => {
    const killLog = join(tempDir("orch-spark-kill-"), "kills.log");
    const controller = new AbortController();
    const hanging = ordersAsset("hang");
    const resource = { sparkHome: FAKE_SPARK_HOME, master: "k8s://https://127.0.0.1:6443", deployMode: "cluster" as const, pipesDir: tempDir("orch-spark-shared-"), env: { FAKE_SPARK_KILL_LOG: killLog }, killGraceMs: 500 };
    const instance = memoryStorage();
    const defs = defineDefinitions({ assets: [hanging], resources: { spark: sparkSubmitResource(resource) } });
    const running = materialize(defs, { instance, partitionKey: "2024-03-02", signal: controller.signal });
    // Cancel once the job says it is hanging (its Pipes log line has reached the event log).
    for (let i = 0; i < 200; i++) {
      const runId = (await instance.listRuns())[0]?.runId;
      if (runId && (await instance.getEvents(runId)).some((e) => e.type === "LOG" && e.message === "hanging")) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    controller.abort();
    const result = await running;
    expect(result.status).toBe("CANCELED");
    expect(readFileSync(killLog, "utf8")).toMatch(/^default:orders-job-py-driver k8s:\/\/https:\/\/127\.0\.0\.1:6443\n$/);
  });
});

describe("sparkAsset refusals name the asset and the cause", () => {
  it("a missing spark-submit", async () => {
    const { status, events } = await run(ordersAsset(), { sparkHome: "/opt/no-spark-here" });
    expect(status).toBe("FAILURE");
    expect(failureOf(events)).toMatchObject({
      code: "SPARK_SUBMIT_NOT_FOUND",
      message: '[orch] [spark] asset "lake/orders": spark-submit not found: /opt/no-spark-here/bin/spark-submit (from sparkHome /opt/no-spark-here) is not an executable file; set the spark resource\'s sparkHome or sparkSubmitPath',
    });
  });

  it("an unreadable application file", async () => {
    const { events } = await run(ordersAsset("ok", { application: "/data/jobs/missing_job.py" }), yarn);
    expect(failureOf(events)).toMatchObject({ code: "SPARK_APPLICATION_UNREADABLE", message: expect.stringContaining('asset "lake/orders": the Spark application /data/jobs/missing_job.py cannot be read: ENOENT') });
  });

  it("a --conf without '=' (refused by spark-submit itself)", async () => {
    const { events } = await run(ordersAsset("ok", { extraArgs: ["--conf", "spark.sql.shuffle.partitions"] }), yarn);
    expect(failureOf(events)).toMatchObject({
      code: "SPARK_JOB_FAILED",
      message: expect.stringContaining(`asset "lake/orders": Spark application orders_job.py failed with exit code 1: Exception in thread "main" org.apache.spark.SparkException: Spark config without '=': spark.sql.shuffle.partitions`),
    });
  });

  it("a conf key spark-submit would misread, before anything runs", async () => {
    const { events } = await run(ordersAsset("ok", { conf: () => ({ "spark.sql.shuffle partitions": 8 }) }), yarn);
    expect(failureOf(events)).toMatchObject({ code: "SPARK_INVALID_CONF", message: expect.stringContaining('asset "lake/orders": Spark conf key "spark.sql.shuffle partitions" must be non-empty, without spaces or "="') });
  });

  it("a job that exits 1, with the Python exception", async () => {
    const { events } = await run(ordersAsset("fail"), yarn);
    const error = failureOf(events)!;
    expect(error.code).toBe("SPARK_JOB_FAILED");
    expect(error.message).toMatch(/asset "lake\/orders": Spark application orders_job\.py \(application_\d+_0001\) failed with exit code 1: RuntimeError: input path s3a:\/\/lake\/orders\/2024-03-02 does not exist/);
    expect(ofType(events, "ASSET_MATERIALIZATION")).toHaveLength(0);
  });

  it("YARN without HADOOP_CONF_DIR, as spark-submit refuses it", async () => {
    const { events } = await run(ordersAsset(), { sparkHome: FAKE_SPARK_HOME, master: "yarn", env: { HADOOP_CONF_DIR: "" } });
    expect(failureOf(events)?.message).toContain("When running with master 'yarn' either HADOOP_CONF_DIR or YARN_CONF_DIR must be set in the environment.");
  });

  it("standalone cluster mode, which cannot pass the Pipes context to the driver", async () => {
    const { events } = await run(ordersAsset(), { sparkHome: FAKE_SPARK_HOME, master: "spark://127.0.0.1:7077", deployMode: "cluster", pipesDir: tempDir("orch-spark-") });
    expect(failureOf(events)).toMatchObject({ code: "SPARK_UNSUPPORTED_DEPLOYMENT", message: expect.stringContaining('asset "lake/orders": deploy mode "cluster" on master spark://127.0.0.1:7077 cannot pass the Pipes context') });
  });
});
