import { describe, expect, it } from "vitest";
import { parsePipesLine } from "./protocol.ts";

describe("parsePipesLine", () => {
  it("accepts every method of orch-pipes/1", () => {
    const lines = [
      { method: "log", params: { level: "warn", message: "m", metadata: { a: 1 } } },
      { method: "reportMaterialization", params: { assetKey: "a/b", metadata: { rows: 1 }, dataVersion: "v1" } },
      { method: "reportAssetCheck", params: { checkName: "c-1", passed: true, severity: "warn" } },
      { method: "closed", params: {} },
      { method: "closed" },
    ];
    for (const line of lines) expect(parsePipesLine(JSON.stringify({ protocol: "orch-pipes/1", ...line })).ok).toBe(true);
  });

  it("says why a line is refused", () => {
    const reason = (line: unknown) => {
      const parsed = parsePipesLine(typeof line === "string" ? line : JSON.stringify(line));
      return parsed.ok ? "accepted" : parsed.reason;
    };
    expect(reason("[1,2]")).toBe("not a JSON object");
    expect(reason({ method: "log", params: { level: "info", message: "x" } })).toBe("protocol null is not supported; supported: orch-pipes/1");
    expect(reason({ protocol: "orch-pipes/1", method: "log", params: { level: "loud", message: "x" } })).toMatch(/^bad log message: params\.level: /);
    expect(reason({ protocol: "orch-pipes/1", method: "reportAssetCheck", params: { checkName: "has space", passed: true } })).toMatch(/params\.checkName: .*letters, digits/);
    expect(reason({ protocol: "orch-pipes/1", method: "reportMaterialization", params: { dataVersion: 3 } })).toMatch(/params\.dataVersion: /);
  });
});
