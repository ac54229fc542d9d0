import { fileURLToPath } from "node:url";
import { defineDefinitions } from "@orch/core";
import { dataframePlugin } from "@orch/dataframe";
import { duckdbIOManager } from "@orch/duckdb";
import { cleanedEvents, dailyActiveUsers, dailyRevenue, funnel, rawEvents, revenueFloor, uniqueEventIds, weeklyReport } from "./assets.ts";
import { optionalAlerts } from "./alerts.ts";
import { dailyMarts, inboxSensor } from "./automation.ts";
import { eventFeed, reportsDir } from "./resources.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const assets = [rawEvents, cleanedEvents, dailyActiveUsers, funnel, weeklyReport, dailyRevenue];
// Slack alerts and Datadog metrics, only when SLACK_BOT_TOKEN / DD_API_KEY are set (see alerts.ts).
const { listeners, hooks } = optionalAlerts(assets);

export default defineDefinitions({
  assets,
  listeners,
  hooks,
  checks: [uniqueEventIds, revenueFloor],
  // Run by `orch daemon` once started (`orch schedule start daily_marts`, `orch sensor start inbox_files`).
  schedules: [dailyMarts],
  sensors: [inboxSensor(process.env.QUICKSTART_INBOX_DIR ?? here("../inbox"))],
  // Arrow IPC and Parquet serializers for frames, and the "frame without a schema" guard.
  plugins: [dataframePlugin],
  // The marts' warehouse: an embedded DuckDB file beside the project (QUICKSTART_WAREHOUSE moves it, e.g. in tests).
  ioManagers: { warehouse: duckdbIOManager({ path: process.env.QUICKSTART_WAREHOUSE ?? here("../warehouse.duckdb") }) },
  resources: {
    feed: eventFeed({ path: here("../data/events.ndjson"), transientFailures: 1 }),
    reports: reportsDir({ dir: { env: "QUICKSTART_REPORTS_DIR", default: here("../reports") } }),
  },
});
