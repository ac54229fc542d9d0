import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempProject } from "./fixture.ts";
import { startStandIn, type StandIn } from "./stand-in-server.ts";

/**
 * A resource configured from `{ env: "ORCH_CANARY" }` whose value is logged in metadata, returned in output
 * metadata and thrown in an error (step failure, hook error, run failure). Slack posts from a failure hook and
 * a run listener; Datadog gets metrics from a listener and logs from the logger orch.yaml lists.
 */
const CANARY_DEFS = `
import { asset, defineDefinitions, defineResource, failureHook, output } from "@orch/core";
import { datadogMetrics } from "@orch/datadog";
import { slackOnFailure, slackOnRunFailure } from "@orch/slack";

const vault = defineResource({ create: (config: unknown) => ({ token: (config as { token: string }).token }) })({ token: { env: "ORCH_CANARY" } });
const token = (resources: Record<string, unknown>) => (resources.vault as { token: string }).token;
const slack = { channel: "#alerts", token: "xoxb-test", apiUrl: process.env.STAND_IN_URL + "/api/" };

const leaky = asset({
  key: "leaky",
  resources: ["vault"],
  compute: ({ resources, log }) => {
    log.info("connected to the vault", { token: token(resources) });
    return output({ token: token(resources) }, { metadata: { token: token(resources), dsn: "postgres://u:" + token(resources) + "@db" } });
  },
});
const broken = asset({
  key: "broken",
  ins: { leaky },
  resources: ["vault"],
  hooks: [slackOnFailure(slack), failureHook("audit", ({ error }) => { throw new Error("audit refused " + error?.message + " " + process.env.ORCH_CANARY); })],
  compute: ({ resources }) => {
    throw new Error("login refused for token " + token(resources));
  },
});

export default defineDefinitions({
  assets: [leaky, broken],
  resources: { vault },
  listeners: [slackOnRunFailure(slack), datadogMetrics({ apiKey: "dd-test", baseUrl: process.env.STAND_IN_URL, assets: [leaky, broken], retries: 0 })],
});
`;

let standIn: StandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("a secret from { env } config", () => {
  it("appears nowhere after a CLI run on SQLite with the JSON logger, Slack and Datadog: not in the database, the output, the requests or other stored files", async () => {
    standIn = await startStandIn();
    const canary = `canary-${randomBytes(12).toString("hex")}`;
    const orchYaml = [
      "module: ./defs.ts",
      "plugins:",
      '  - "@orch/datadog"',
      "loggers:",
      "  - type: datadog",
      `    config: { apiKey: dd-test, baseUrl: "${standIn.url}", retries: 0, level: debug }`,
      "",
    ].join("\n");
    const project = await tempProject(orchYaml, CANARY_DEFS);
    const result = await project.run(["materialize", "--log-format", "json"], { ORCH_CANARY: canary, STAND_IN_URL: standIn.url });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/ FAILURE\n$/);

    // The run really carried the canary through every path, masked.
    const events = result.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { type: string });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["LOG", "ASSET_MATERIALIZATION", "STEP_FAILURE", "HOOK_ERRORED", "RUN_FAILURE"]));
    expect(result.stderr).toContain("login refused for token ***");
    const paths = standIn.requests.map((r) => r.path);
    expect(paths.filter((p) => p === "/api/chat.postMessage")).toHaveLength(2);
    expect(paths).toContain("/api/v2/series");
    expect(paths.some((p) => p.startsWith("/api/v2/logs"))).toBe(true);
    expect(standIn.requests.map((r) => r.body).join("\n")).toContain("login refused for token ***");

    const home = join(project.dir, ".orch");
    const dbFiles = ["orch.db", "orch.db-wal"].map((f) => join(home, f)).filter((f) => existsSync(f));
    expect(dbFiles.map((f) => f.slice(home.length + 1))).toContain("orch.db");
    const storageFiles = await filesUnder(join(home, "storage"));
    const ownValue = join(home, "storage", "leaky.json");
    expect(await readFile(ownValue, "utf8")).toContain(canary);
    const places: [string, Buffer | string][] = [
      ["stdout", result.stdout],
      ["stderr", result.stderr],
      ...standIn.requests.map((r): [string, string] => [`request ${r.path}`, r.body]),
      ...(await Promise.all([...dbFiles, ...storageFiles.filter((f) => f !== ownValue)].map(async (f): Promise<[string, Buffer]> => [f, await readFile(f)]))),
    ];
    for (const [where, content] of places) expect(Buffer.from(content).includes(canary), `canary found in ${where}`).toBe(false);
  }, 60_000);
});
