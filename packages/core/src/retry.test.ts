import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./retry.ts";

describe("retryDelayMs", () => {
  it("keeps a fixed delay", () => {
    expect([1, 2, 3].map((n) => retryDelayMs({ maxRetries: 3, delayMs: 100 }, n))).toEqual([100, 100, 100]);
  });
  it("doubles with exponential backoff and respects the cap", () => {
    const policy = { maxRetries: 5, delayMs: 100, backoff: "exponential" as const, maxDelayMs: 500 };
    expect([1, 2, 3, 4].map((n) => retryDelayMs(policy, n))).toEqual([100, 200, 400, 500]);
  });
  it("spreads delays with jitter around the base", () => {
    const policy = { maxRetries: 1, delayMs: 1000, jitter: 0.5 };
    expect(retryDelayMs(policy, 1, () => 0)).toBe(500);
    expect(retryDelayMs(policy, 1, () => 1)).toBe(1500);
  });
});
