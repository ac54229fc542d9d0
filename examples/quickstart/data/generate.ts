// Writes data/events.ndjson: a deterministic week of product events with the flaws real feeds have
// (duplicates, missing users, unknown event types, bad timestamps). Run: node data/generate.ts
import { writeFileSync } from "node:fs";

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
const types = ["page_view", "page_view", "page_view", "signup", "add_to_cart", "purchase", "page_view"] as const;
const lines: string[] = [];
for (let i = 0; i < 2000; i++) {
  const day = 1 + Math.floor(random() * 7);
  const ts = `2024-03-0${day}T${String(Math.floor(random() * 24)).padStart(2, "0")}:${String(Math.floor(random() * 60)).padStart(2, "0")}:00Z`;
  const type = random() < 0.01 ? "debug_ping" : pick(types);
  const event = {
    event_id: `e${String(i).padStart(5, "0")}`,
    user_id: random() < 0.02 ? null : `u${Math.floor(random() * 150)}`,
    type,
    ts: random() < 0.005 ? "not-a-date" : ts,
    amount: type === "purchase" ? Math.round(random() * 20000) / 100 : undefined,
  };
  lines.push(JSON.stringify(event));
  if (random() < 0.03) lines.push(JSON.stringify(event)); // the feed redelivers some events
}
writeFileSync(new URL("./events.ndjson", import.meta.url), lines.join("\n") + "\n");
console.log(`wrote ${lines.length} events`);
