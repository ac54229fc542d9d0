import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { asset, assetCheck, dailyPartitions, output } from "@orch/core";
import { col, frame } from "@orch/dataframe";
import pl from "nodejs-polars";
import { z } from "zod";
import type { RawEvent } from "./resources.ts";

const KNOWN_TYPES = new Set(["page_view", "signup", "add_to_cart", "purchase"]);

export const rawEvents = asset({
  key: ["raw", "events"],
  group: "ingest",
  description: "Product events as delivered by the feed, duplicates and all.",
  owners: ["data-platform@example.com"],
  kinds: ["json"],
  resources: ["feed"],
  retry: { maxRetries: 3, delayMs: 200, backoff: "exponential", jitter: 0.2 },
  async compute({ resources, log }) {
    const events: RawEvent[] = await resources.feed.fetchEvents();
    log.info(`fetched ${events.length} events`);
    return output(events, { metadata: { rows: events.length } });
  },
});

/** The cleaned events table: checked at the step boundary before it is stored. */
export const CleanEvents = frame(
  {
    event_id: col.utf8().unique().matches(/^e\d{5}$/),
    user_id: col.utf8(),
    type: col.utf8().isin(["page_view", "signup", "add_to_cart", "purchase"]),
    at: col.utf8().matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    day: col.utf8().length({ min: 10, max: 10 }),
    amount: col.float64().min(0),
  },
  { name: "CleanEvents", strict: true },
);

export const cleanedEvents = asset({
  key: ["staging", "cleaned_events"],
  group: "staging",
  description: "Deduplicated events with a user, a known type and a valid timestamp.",
  kinds: ["polars"],
  ins: { raw: rawEvents },
  config: z.object({ dropUnknownTypes: z.boolean().default(true) }),
  output: CleanEvents,
  compute({ ins, config, log }) {
    const seen = new Set<string>();
    const kept: RawEvent[] = [];
    const dropped = { duplicate: 0, noUser: 0, unknownType: 0, badTimestamp: 0 };
    for (const e of ins.raw) {
      if (seen.has(e.event_id)) dropped.duplicate++;
      else if (e.user_id === null) dropped.noUser++;
      else if (config.dropUnknownTypes && !KNOWN_TYPES.has(e.type)) dropped.unknownType++;
      else if (Number.isNaN(Date.parse(e.ts))) dropped.badTimestamp++;
      else kept.push(e);
      seen.add(e.event_id);
    }
    log.info(`kept ${kept.length} of ${ins.raw.length} events`, dropped);
    return output(toCleanFrame(kept), { metadata: { rows: kept.length, ...dropped } });
  },
});

/** Raw events → the cleaned table's columns. */
export function toCleanFrame(events: readonly RawEvent[]): pl.DataFrame {
  return pl.DataFrame({
    event_id: events.map((e) => e.event_id),
    user_id: events.map((e) => e.user_id ?? ""),
    type: events.map((e) => e.type),
    at: events.map((e) => e.ts),
    day: events.map((e) => e.ts.slice(0, 10)),
    amount: pl.Series("amount", events.map((e) => e.amount ?? 0), pl.Float64),
  });
}

export interface DailyActivity {
  day: string;
  activeUsers: number;
  events: number;
}

export const dailyActiveUsers = asset({
  key: ["marts", "daily_active_users"],
  group: "marts",
  description: "Distinct active users and events per day.",
  kinds: ["polars"],
  ins: { events: cleanedEvents },
  compute({ ins }): DailyActivity[] {
    return ins.events
      .groupBy("day")
      .agg(pl.col("user_id").nUnique().alias("activeUsers"), pl.col("event_id").count().alias("events"))
      .sort("day")
      .toRecords() as unknown as DailyActivity[];
  },
});

export interface Funnel {
  signups: number;
  addedToCart: number;
  purchasers: number;
  revenue: number;
}

export const funnel = asset({
  key: ["marts", "funnel"],
  group: "marts",
  description: "Users reaching each funnel stage, and revenue.",
  kinds: ["polars"],
  ins: { events: cleanedEvents },
  compute({ ins }) {
    const ofType = (type: string) => ins.events.filter(pl.col("type").eq(pl.lit(type)));
    const usersWith = (type: string) => ofType(type).getColumn("user_id").nUnique();
    const revenue = Math.round((ofType("purchase").getColumn("amount").sum() as number) * 100) / 100;
    return output<Funnel>(
      { signups: usersWith("signup"), addedToCart: usersWith("add_to_cart"), purchasers: usersWith("purchase"), revenue },
      { metadata: { revenue } },
    );
  },
});

export const weeklyReport = asset({
  key: ["reports", "weekly_report"],
  group: "reports",
  description: "A markdown report for the week, written to the reports directory.",
  ins: { activity: dailyActiveUsers, funnel },
  // Ordering only: the report is published after the cleaned events are final, without reading them.
  deps: [cleanedEvents],
  resources: ["reports"],
  async compute({ ins, resources, runId }) {
    const lines = [
      "# Weekly product report",
      "",
      "| day | active users | events |",
      "| --- | ---: | ---: |",
      ...ins.activity.map((d) => `| ${d.day} | ${d.activeUsers} | ${d.events} |`),
      "",
      `Signups: ${ins.funnel.signups} · added to cart: ${ins.funnel.addedToCart} · purchasers: ${ins.funnel.purchasers}`,
      `Revenue: $${ins.funnel.revenue.toFixed(2)}`,
      "",
      `_run ${runId}_`,
    ];
    const dir: string = resources.reports;
    await mkdir(dir, { recursive: true });
    const path = join(dir, "weekly_report.md");
    await writeFile(path, lines.join("\n") + "\n");
    return output({ path, days: ins.activity.length }, { metadata: { path: { type: "path", value: path } } });
  },
});

/** The week the feed covers: one partition per day (end is exclusive). */
export const eventDays = dailyPartitions({ start: "2024-03-01", end: "2024-03-08", timezone: "UTC" });

/** One row per day, stored as the DuckDB table `marts.daily_revenue` (key → schema.table). */
export const DailyRevenue = frame({
  day: col.datetime("ms", "UTC"),
  purchases: col.int64().min(0),
  revenue: col.float64().min(0),
});

export const dailyRevenue = asset({
  key: ["marts", "daily_revenue"],
  group: "marts",
  description: "Revenue and purchases for one day: a daily-partitioned table in the DuckDB warehouse, one slice per day.",
  partitions: eventDays,
  // The table IO manager replaces exactly this day's rows (`day >= start AND day < end`), in one transaction.
  ioManager: "warehouse",
  metadata: { partitionExpr: "day" },
  ins: { events: cleanedEvents },
  // A guard against a feed that went quiet: a day with fewer purchases fails instead of publishing a hole.
  config: z.object({ minPurchases: z.number().int().min(0).default(0) }),
  output: DailyRevenue,
  compute({ ins, config, partitionKey, timeWindow }) {
    const purchases = ins.events.filter(pl.col("day").eq(pl.lit(partitionKey!)).and(pl.col("type").eq(pl.lit("purchase"))));
    if (purchases.height < config.minPurchases) {
      throw new Error(`${partitionKey} has ${purchases.height} purchases, fewer than minPurchases (${config.minPurchases}): not publishing the day`);
    }
    const revenue = Math.round(((purchases.getColumn("amount").sum() as number) || 0) * 100) / 100;
    const frame = pl.DataFrame({
      day: pl.Series("day", [new Date(timeWindow!.start)], pl.Datetime("ms", "UTC")),
      purchases: pl.Series("purchases", [purchases.height], pl.Int64),
      revenue: pl.Series("revenue", [revenue], pl.Float64),
    });
    return output(frame, { metadata: { revenue, purchases: purchases.height } });
  },
});

/**
 * A blocking check: duplicated event ids after cleaning would double-count everything downstream, so a failure
 * stops the marts and the report in the same run.
 */
export const uniqueEventIds = assetCheck({
  asset: cleanedEvents,
  name: "unique_event_ids",
  description: "Every cleaned event id appears once.",
  blocking: true,
  check({ value }) {
    const duplicates = value.height - value.getColumn("event_id").nUnique();
    return { passed: duplicates === 0, metadata: { rows: value.height, duplicates } };
  },
});

/**
 * The week's revenue is at least `minRevenue` (run config, default 0). A failure flags the funnel (the asset shows
 * "check failed") without blocking anything downstream.
 */
export const revenueFloor = assetCheck({
  asset: funnel,
  name: "revenue_floor",
  description: "The week's revenue reaches minRevenue.",
  config: z.object({ minRevenue: z.number().min(0).default(0) }),
  check({ value, config }) {
    return { passed: value.revenue >= config.minRevenue, metadata: { revenue: value.revenue, minRevenue: config.minRevenue } };
  },
});
