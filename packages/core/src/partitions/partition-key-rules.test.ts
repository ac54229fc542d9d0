import { describe, expect, it } from "vitest";
import { dynamicPartitions } from "./dynamic-partitions.ts";
import { multiPartitions } from "./multi-partitions.ts";
import { assertValidPartitionKey, closestKeys } from "./partition-key-rules.ts";
import { partitionsEqual } from "./partitions-equal.ts";
import { staticPartitions } from "./static-partitions.ts";
import { refusal } from "./test-context.ts";
import { dailyPartitions, hourlyPartitions, weeklyPartitions } from "./time-window-partitions.ts";

describe("assertValidPartitionKey", () => {
  it("accepts time keys, offsets included", () => {
    expect(() => assertValidPartitionKey("2024-11-03-01:00-0400", "adding dynamic partitions")).not.toThrow();
  });

  it("refuses with the caller's context and the key", async () => {
    const { code, message } = await refusal(() => assertValidPartitionKey("a|b", 'dynamic partitions "files"'));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toBe('[orch] dynamic partitions "files": partition key "a|b" contains "|" (partition keys may not contain "|" "," "/" "\\\\").');
    expect((await refusal(() => assertValidPartitionKey(42, "adding keys"))).message).toContain("must be a string, got number");
  });
});

describe("closestKeys", () => {
  it("orders by edit distance, keeping declaration order on ties", () => {
    expect(closestKeys("eu-wst", ["us-east", "eu-west", "eu-east", "apac"], 2)).toEqual(["eu-west", "eu-east"]);
  });
});

describe("partitionsEqual", () => {
  it("compares by value", () => {
    expect(partitionsEqual(staticPartitions(["a", "b"]), staticPartitions(["a", "b"]))).toBe(true);
    expect(partitionsEqual(staticPartitions(["a", "b"]), staticPartitions(["b", "a"]))).toBe(false);
    expect(partitionsEqual(dailyPartitions({ start: "2024-01-01" }), dailyPartitions({ start: "2024-01-01T00:00:00Z" }))).toBe(true);
    expect(partitionsEqual(dailyPartitions({ start: "2024-01-01" }), dailyPartitions({ start: "2024-01-01", timezone: "Europe/Berlin" }))).toBe(false);
    expect(partitionsEqual(weeklyPartitions({ start: "2024-01-01" }), weeklyPartitions({ start: "2024-01-01", weekStartsOn: "monday" }))).toBe(false);
    expect(partitionsEqual(dailyPartitions({ start: "2024-01-01" }), hourlyPartitions({ start: "2024-01-01" }))).toBe(false);
    expect(partitionsEqual(dynamicPartitions("a"), dynamicPartitions("a"))).toBe(true);
    const multi = () => multiPartitions({ d: dailyPartitions({ start: "2024-01-01" }), r: staticPartitions(["eu"]) });
    expect(partitionsEqual(multi(), multi())).toBe(true);
  });
});
