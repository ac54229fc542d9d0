import { describe, expect, it } from "vitest";
import { staticPartitions } from "./static-partitions.ts";
import { fixedPartitionsContext, refusal } from "./test-context.ts";

const context = fixedPartitionsContext("2024-01-01T00:00:00Z");

describe("staticPartitions", () => {
  it("lists its keys in the given order", async () => {
    const regions = staticPartitions(["us", "eu", "apac"]);
    expect(await regions.getKeys(context)).toEqual(["us", "eu", "apac"]);
    expect(regions.type).toBe("static");
    expect(regions.description).toBe("static (us, eu, apac)");
  });

  it("summarises long key lists in its description", () => {
    const many = staticPartitions(Array.from({ length: 12 }, (_, i) => `k${i}`));
    expect(many.description).toBe("static (k0, k1, k2, k3, k4, ... (12 keys))");
  });

  it("refuses an empty list", async () => {
    expect(await refusal(() => staticPartitions([]))).toEqual({
      code: "INVALID_PARTITION",
      message: "[orch] staticPartitions needs at least one key, got an empty list.",
    });
  });

  it("refuses duplicates, naming the key", async () => {
    const { code, message } = await refusal(() => staticPartitions(["eu", "us", "eu"]));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toContain('the key "eu" twice');
  });

  it.each([
    ["", "cannot be empty"],
    [" eu", "leading or trailing whitespace"],
    ["eu|us", 'contains "|"'],
    ["a,b", 'contains ","'],
    ["a/b", 'contains "/"'],
    ["line\nbreak", "control character"],
    ["..", "reserved"],
  ])("refuses the key %j (%s)", async (key, why) => {
    const { code, message } = await refusal(() => staticPartitions(["ok", key]));
    expect(code).toBe("INVALID_PARTITION");
    expect(message).toContain("key #1");
    expect(message).toContain(why);
  });
});
