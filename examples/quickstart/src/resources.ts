import { readFile } from "node:fs/promises";
import { defineResource } from "@orch/core";
import { z } from "zod";

export interface RawEvent {
  event_id: string;
  user_id: string | null;
  type: string;
  ts: string;
  amount?: number;
}

/**
 * The event feed. In production this would be an HTTP API; here it reads an NDJSON export. It can simulate the
 * transient failures feeds have (a 503 on the first call) so the asset's retry policy has something to do.
 */
export const eventFeed = defineResource({
  description: "Product events feed (NDJSON export)",
  config: z.object({
    path: z.string(),
    transientFailures: z.number().int().min(0).default(0),
  }),
  create(config) {
    let failuresLeft = config.transientFailures;
    return {
      async fetchEvents(): Promise<RawEvent[]> {
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error("event feed answered 503 Service Unavailable");
        }
        const text = await readFile(config.path, "utf8");
        return text
          .split("\n")
          .filter((line) => line.trim() !== "")
          .map((line) => JSON.parse(line) as RawEvent);
      },
    };
  },
});

/** Where reports are written. */
export const reportsDir = defineResource({
  config: z.object({ dir: z.string() }),
  create: (config) => config.dir,
});
