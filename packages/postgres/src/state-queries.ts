import { assertValidPartitionKey } from "@orch/core";
import type { Queryable } from "./db.ts";
import { WRITE_HEARTBEAT } from "./heartbeat-sql.ts";

/** Heartbeats, dynamic partitions and the key/value state of schedules and sensors. */
export function createStateQueries(db: Queryable) {
  return {
    async setHeartbeat(runId: string, at: number): Promise<void> {
      await db.execute(WRITE_HEARTBEAT, [runId, at]);
    },
    async getHeartbeat(runId: string): Promise<number | undefined> {
      const [row] = await db.query<{ at: number }>("SELECT at FROM heartbeats WHERE run_id = $1", [runId]);
      return row?.at;
    },
    async getDynamicPartitions(name: string): Promise<string[]> {
      const rows = await db.query<{ partition_key: string }>("SELECT partition_key FROM dynamic_partitions WHERE name = $1 ORDER BY seq", [name]);
      return rows.map((row) => row.partition_key);
    },
    async addDynamicPartitions(name: string, keys: readonly string[]): Promise<void> {
      for (const key of keys) assertValidPartitionKey(key, `Dynamic partitions "${name}"`);
      if (keys.length === 0) return;
      await db.execute(
        `INSERT INTO dynamic_partitions (name, partition_key)
         SELECT $1, k FROM unnest($2::text[]) WITH ORDINALITY AS t(k, ord) ORDER BY ord ON CONFLICT DO NOTHING`,
        [name, keys],
      );
    },
    async deleteDynamicPartition(name: string, key: string): Promise<void> {
      await db.execute("DELETE FROM dynamic_partitions WHERE name = $1 AND partition_key = $2", [name, key]);
    },
    async getState(namespace: string, key: string): Promise<string | undefined> {
      const [row] = await db.query<{ value: string }>("SELECT value FROM kv_state WHERE namespace = $1 AND key = $2", [namespace, key]);
      return row?.value;
    },
    async setState(namespace: string, key: string, value: string | undefined): Promise<void> {
      if (value === undefined) {
        await db.execute("DELETE FROM kv_state WHERE namespace = $1 AND key = $2", [namespace, key]);
        return;
      }
      await db.execute(
        "INSERT INTO kv_state (namespace, key, value) VALUES ($1, $2, $3) ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
        [namespace, key, value],
      );
    },
  };
}
