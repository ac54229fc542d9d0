/**
 * Child process of the crash test: appends events to the instance at argv[2] forever, four concurrent appends
 * at a time (so they share transactions), and prints each event's number once its append has resolved.
 */
import { sqliteStorage } from "../src/index.ts";

const storage = sqliteStorage({ path: process.argv[2]! });
for (let round = 0; ; round++) {
  await Promise.all(
    [0, 1, 2, 3].map(async (slot) => {
      const n = round * 4 + slot;
      await storage.appendEvents([{ type: "LOG", runId: "crash", timestamp: Date.now(), level: "info", message: `event-${n}` }]);
      process.stdout.write(`${n}\n`);
    }),
  );
}
