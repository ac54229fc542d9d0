import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { asset, assetCheck, dailyPartitions, output } from "@orch/core";
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

export interface CleanEvent {
  eventId: string;
  userId: string;
  type: string;
  at: string;
  day: string;
  amount: number;
}

export const cleanedEvents = asset({
  key: ["staging", "cleaned_events"],
  group: "staging",
  description: "Deduplicated events with a user, a known type and a valid timestamp.",
  ins: { raw: rawEvents },
  config: z.object({ dropUnknownTypes: z.boolean().default(true) }),
  compute({ ins, config, log }) {
    const seen = new Set<string>();
    const cleaned: CleanEvent[] = [];
    const dropped = { duplicate: 0, noUser: 0, unknownType: 0, badTimestamp: 0 };
    for (const e of ins.raw) {
      if (seen.has(e.event_id)) dropped.duplicate++;
      else if (e.user_id === null) dropped.noUser++;
      else if (config.dropUnknownTypes && !KNOWN_TYPES.has(e.type)) dropped.unknownType++;
      else if (Number.isNaN(Date.parse(e.ts))) dropped.badTimestamp++;
      else {
        cleaned.push({ eventId: e.event_id, userId: e.user_id, type: e.type, at: e.ts, day: e.ts.slice(0, 10), amount: e.amount ?? 0 });
      }
      seen.add(e.event_id);
    }
    log.info(`kept ${cleaned.length} of ${ins.raw.length} events`, dropped);
    return output(cleaned, { metadata: { rows: cleaned.length, ...dropped } });
  },
});

export interface DailyActivity {
  day: string;
  activeUsers: number;
  events: number;
}

export const dailyActiveUsers = asset({
  key: ["marts", "daily_active_users"],
  group: "marts",
  description: "Distinct active users and events per day.",
  ins: { events: cleanedEvents },
  compute({ ins }) {
    const byDay = new Map<string, { users: Set<string>; events: number }>();
    for (const e of ins.events) {
      const day = byDay.get(e.day) ?? { users: new Set(), events: 0 };
      day.users.add(e.userId);
      day.events++;
      byDay.set(e.day, day);
    }
    return [...byDay]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, v]): DailyActivity => ({ day, activeUsers: v.users.size, events: v.events }));
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
  ins: { events: cleanedEvents },
  compute({ ins }) {
    const usersWith = (type: string) => new Set(ins.events.filter((e) => e.type === type).map((e) => e.userId)).size;
    const revenue = ins.events.filter((e) => e.type === "purchase").reduce((sum, e) => sum + e.amount, 0);
    return output<Funnel>(
      { signups: usersWith("signup"), addedToCart: usersWith("add_to_cart"), purchasers: usersWith("purchase"), revenue: Math.round(revenue * 100) / 100 },
      { metadata: { revenue: Math.round(revenue * 100) / 100 } },
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

export const dailyRevenue = asset({
  key: ["marts", "daily_revenue"],
  group: "marts",
  description: "Revenue and purchases for one day: a daily-partitioned asset, one file per day.",
  partitions: eventDays,
  ins: { events: cleanedEvents },
  compute({ ins, partitionKey }) {
    const purchases = ins.events.filter((e) => e.day === partitionKey && e.type === "purchase");
    const revenue = Math.round(purchases.reduce((sum, e) => sum + e.amount, 0) * 100) / 100;
    return output({ day: partitionKey!, purchases: purchases.length, revenue }, { metadata: { revenue, purchases: purchases.length } });
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
    const ids = new Set(value.map((e) => e.eventId));
    const duplicates = value.length - ids.size;
    return { passed: duplicates === 0, metadata: { rows: value.length, duplicates } };
  },
});
