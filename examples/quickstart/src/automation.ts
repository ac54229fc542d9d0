import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { schedule, sensor, skip, type RunRequest } from "@orch/core";

/**
 * Every night at 01:00 UTC, the partition of marts/daily_revenue that the day just closed (01:00 on March 5th
 * requests 2024-03-04), with the unpartitioned steps upstream of it. Start it with `orch schedule start daily_marts`.
 */
export const dailyMarts = schedule({
  name: "daily_marts",
  cron: "0 1 * * *",
  target: "+marts/daily_revenue",
  description: "Yesterday's revenue partition, refreshed nightly.",
  tags: { team: "analytics" },
});

/** The newest modification time seen, and the files seen at exactly that time (two files may share it). */
interface InboxCursor {
  readonly mtimeMs: number;
  readonly names: readonly string[];
}

/**
 * Requests a refresh of the event marts and the report when a new file lands in `dir`. The run key is the file
 * and its modification time, so each file launches one run even if the sensor sees it twice; the cursor keeps the
 * listing from growing with history.
 */
export function inboxSensor(dir: string) {
  return sensor({
    name: "inbox_files",
    target: "raw/events+ and not marts/daily_revenue",
    minimumIntervalSeconds: 30,
    description: `Refreshes the marts when a file lands in ${dir}.`,
    async evaluate({ cursor, log }) {
      const previous: InboxCursor = cursor ? (JSON.parse(cursor) as InboxCursor) : { mtimeMs: 0, names: [] };
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return skip(`inbox ${dir} does not exist yet`);
        throw error;
      }
      const files = await Promise.all(names.filter((name) => !name.startsWith(".")).map(async (name) => ({ name, mtimeMs: (await stat(join(dir, name))).mtimeMs })));
      const fresh = files
        .filter((f) => f.mtimeMs > previous.mtimeMs || (f.mtimeMs === previous.mtimeMs && !previous.names.includes(f.name)))
        .sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
      if (fresh.length === 0) return skip(`no new file in ${dir}`);
      const newest = Math.max(previous.mtimeMs, ...fresh.map((f) => f.mtimeMs));
      const atNewest = files.filter((f) => f.mtimeMs === newest).map((f) => f.name);
      log.info(`${fresh.length} new file(s): ${fresh.map((f) => f.name).join(", ")}`);
      const runRequests: RunRequest[] = fresh.map((f) => ({ runKey: `inbox:${f.name}:${Math.trunc(f.mtimeMs)}`, tags: { "quickstart/file": f.name } }));
      return { runRequests, cursor: JSON.stringify({ mtimeMs: newest, names: atNewest } satisfies InboxCursor) };
    },
  });
}
