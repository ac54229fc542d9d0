import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { asset } from "../asset.ts";
import { assetCheck } from "../asset-check.ts";
import { defineDefinitions } from "../definitions.ts";
import type { OrchEvent } from "../events.ts";
import { failureHook } from "../hooks.ts";
import { defineListener } from "../listener.ts";
import { output } from "../output.ts";
import { defineResource } from "../resource.ts";
import { memoryStorage } from "../storage/index.ts";
import { materialize } from "./materialize.ts";

const SECRET = "s3cr3t-canary-value-81f2";

beforeEach(() => {
  process.env["ORCH_TEST_SECRET"] = SECRET;
});
afterEach(() => {
  delete process.env["ORCH_TEST_SECRET"];
});

describe("secrets from { env } config never leave the step boundary in clear", () => {
  it("are masked in errors and stacks, hook errors, log metadata, materialization and check metadata, for storage, loggers, listeners and hooks", async () => {
    const vault = defineResource({ create: (config: unknown) => ({ token: (config as { token: string }).token }) })({ token: { env: "ORCH_TEST_SECRET" } });
    const leaky = asset({
      key: "leaky",
      resources: ["vault"],
      compute: ({ resources, log }) => {
        const { token } = resources["vault"] as { token: string };
        log.info("connected", { token, nested: { list: [`Bearer ${token}`] } });
        return output(1, { metadata: { token, url: `https://user:${token}@db` } });
      },
    });
    const check = assetCheck({
      asset: leaky,
      name: "token_ok",
      resources: ["vault"],
      check: ({ resources }) => ({ passed: false, severity: "warn", description: `saw ${(resources["vault"] as { token: string }).token}`, metadata: { t: (resources["vault"] as { token: string }).token } }),
    });
    const hookErrors: string[] = [];
    const broken = asset({
      key: "broken",
      ins: { leaky },
      resources: ["vault"],
      hooks: [
        failureHook("report", ({ error }) => {
          hookErrors.push(JSON.stringify(error));
          throw new Error(`hook could not post ${SECRET}`);
        }),
      ],
      compute: ({ resources }) => {
        throw new Error(`login failed for token ${(resources["vault"] as { token: string }).token}`);
      },
    });
    const logged: OrchEvent[] = [];
    const heard: OrchEvent[] = [];
    const defs = defineDefinitions({
      assets: [leaky, broken],
      checks: [check],
      resources: { vault },
      listeners: [defineListener({ name: "ear", onEvent: (e) => void heard.push(e) })],
    });
    const instance = memoryStorage();
    const result = await materialize(defs, { instance, loggers: [{ name: "list", level: "debug", handle: (e) => void logged.push(e) }] });
    expect(result.status).toBe("FAILURE");

    const stored = await instance.getEvents(result.runId);
    const types = stored.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["LOG", "ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION", "STEP_FAILURE", "HOOK_ERRORED", "RUN_FAILURE"]));
    for (const [where, text] of [
      ["storage", JSON.stringify(stored)],
      ["loggers", JSON.stringify(logged)],
      ["listeners", JSON.stringify(heard)],
      ["hooks", hookErrors.join("\n")],
      ["run record", JSON.stringify(await instance.getRun(result.runId))],
    ] as const) {
      expect(text, where).not.toContain(SECRET);
    }
    const failure = stored.find((e) => e.type === "STEP_FAILURE");
    expect(failure).toMatchObject({ error: { message: expect.stringContaining("login failed for token ***") } });
    expect((failure as { error: { stack?: string } }).error.stack).toContain("login failed for token ***");
    expect(stored.find((e) => e.type === "ASSET_MATERIALIZATION")).toMatchObject({ metadata: { token: "***", url: "https://user:***@db" } });
    expect(stored.find((e) => e.type === "HOOK_ERRORED")).toMatchObject({ error: { message: "hook could not post ***" } });
  });
});
