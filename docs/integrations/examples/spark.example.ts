// docs/integrations/spark.md — a runnable example (run by integrations/spark/src/docs-example.test.ts).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dailyPartitions, defineDefinitions, materialize, memoryStorage } from "@orch/core";
import { sparkAsset, sparkSubmitResource } from "@orch/spark";

const here = dirname(fileURLToPath(import.meta.url));
const orchPipesPy = fileURLToPath(import.meta.resolve("@orch/pipes/python/orch_pipes.py"));

export const cleanOrders = sparkAsset({
  key: ["lake", "clean_orders"],
  group: "lake",
  application: join(here, "spark_orders_job.py"),
  pyFiles: [orchPipesPy], // ships the Pipes client to the driver
  partitions: dailyPartitions({ start: "2024-03-01", end: "2024-04-01" }),
  args: () => ["--source", "s3a://lake/raw/orders"],
  conf: { "spark.sql.shuffle.partitions": 64 },
});

/** Your Spark: `sparkHome: "/opt/spark"`. Here (CI), the fake spark-submit of integrations/spark/test. */
const sparkHome = process.env.ORCH_EXAMPLE_SPARK_HOME ?? join(here, "../../../integrations/spark/test/fake-spark");

export const definitions = defineDefinitions({
  assets: [cleanOrders],
  resources: {
    spark: sparkSubmitResource({ sparkHome, master: "yarn", deployMode: "client", env: { HADOOP_CONF_DIR: "/etc/hadoop/conf" } }),
  },
});

export async function main() {
  const instance = memoryStorage();
  const result = await materialize(definitions, { instance, partitionKey: "2024-03-02" });
  const events = await instance.getEvents(result.runId);
  return {
    status: result.status,
    materializations: events.filter((e) => e.type === "ASSET_MATERIALIZATION"),
    checks: events.filter((e) => e.type === "ASSET_CHECK_EVALUATION"),
  };
}
