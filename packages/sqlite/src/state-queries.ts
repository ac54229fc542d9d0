import type { Connection } from "./connection.ts";

/** Heartbeats, dynamic partitions and the key/value state of schedules and sensors. */
export function createStateQueries(conn: Connection) {
  return {
    setHeartbeat(runId: string, at: number): void {
      conn.stmt("INSERT INTO heartbeats (run_id, at) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET at = excluded.at").run(runId, at);
    },
    getHeartbeat(runId: string): number | undefined {
      const row = conn.stmt("SELECT at FROM heartbeats WHERE run_id = ?").get(runId) as { at: number } | undefined;
      return row?.at;
    },
    getDynamicPartitions(name: string): string[] {
      const rows = conn.stmt("SELECT partition_key FROM dynamic_partitions WHERE name = ? ORDER BY rowid").all(name);
      return (rows as { partition_key: string }[]).map((row) => row.partition_key);
    },
    addDynamicPartitions(name: string, keys: readonly string[]): void {
      const insert = conn.stmt("INSERT OR IGNORE INTO dynamic_partitions (name, partition_key) VALUES (?, ?)");
      conn.db.transaction(() => {
        for (const key of keys) insert.run(name, key);
      }).immediate();
    },
    deleteDynamicPartition(name: string, key: string): void {
      conn.stmt("DELETE FROM dynamic_partitions WHERE name = ? AND partition_key = ?").run(name, key);
    },
    getState(namespace: string, key: string): string | undefined {
      const row = conn.stmt("SELECT value FROM kv_state WHERE namespace = ? AND key = ?").get(namespace, key) as
        | { value: string }
        | undefined;
      return row?.value;
    },
    setState(namespace: string, key: string, value: string | undefined): void {
      if (value === undefined) {
        conn.stmt("DELETE FROM kv_state WHERE namespace = ? AND key = ?").run(namespace, key);
        return;
      }
      conn
        .stmt("INSERT INTO kv_state (namespace, key, value) VALUES (?, ?, ?) ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value")
        .run(namespace, key, value);
    },
  };
}
