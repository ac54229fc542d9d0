import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asset, defineDefinitions, inProcessExecutor, isOrchError, materialize, type StoredEvent } from "@orch/core";
import { describeResourceContract } from "@orch/core/testing";
import { startTestSnowflake, testConnection, TEST_USER } from "../test/fake-snowflake/fixture.ts";
import type { FakeSnowflake } from "../test/fake-snowflake/server.ts";
import { snowflakeConfig } from "./snowflake-config.ts";
import { snowflakeIOManager } from "./snowflake-io-manager.ts";
import { createSnowflakeResource, snowflakeResource, type SnowflakeResource } from "./snowflake-resource.ts";

const keys = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });

let server: FakeSnowflake;
beforeAll(async () => {
  server = await startTestSnowflake({ users: { [TEST_USER.username]: { password: TEST_USER.password }, ANALYST: { password: "read only", defaultRole: "READER" }, KEYPAIR: { publicKey: keys.publicKey } } });
});
afterAll(() => server.stop());

describeResourceContract("snowflakeResource", {
  factory: snowflakeResource,
  validConfig: { account: "acme", username: "etl", password: { env: "SNOWFLAKE_TEST_PASSWORD" }, warehouse: "WH" },
  invalidConfig: { account: "acme", username: "etl", authenticator: "SNOWFLAKE_JWT" },
  env: { SNOWFLAKE_TEST_PASSWORD: "s3cret-value" },
});

const failureOf = (events: readonly StoredEvent[]) => (events.find((e) => e.type === "STEP_FAILURE") as { error: { code?: string; message: string } } | undefined)?.error;

describe("snowflakeResource against the local server", () => {
  it("shares one pool between the steps of a run, tags each statement with the run and asset, and closes the sessions at teardown", async () => {
    const steps = Array.from({ length: 5 }, (_, i) =>
      asset({
        key: ["tagged", `step_${i}`],
        resources: ["snowflake"],
        compute: async (context) => {
          const snowflake = context.resources.snowflake as SnowflakeResource;
          const result = await snowflake.query<{ N: number }>("SELECT ? + 1 AS N", [i], { context });
          return [{ n: result.rows[0]!.N, query: result.queryId }];
        },
      }),
    );
    const before = { logins: count("POST /session/v1/login-request"), deletes: count("POST /session") };
    const definitions = defineDefinitions({
      assets: steps,
      resources: { snowflake: snowflakeResource({ ...testConnection(server), password: { env: "SNOWFLAKE_TEST_PASSWORD" }, poolSize: 2 }) },
      ioManagers: { io: snowflakeIOManager({ connection: { ...testConnection(server), password: { env: "SNOWFLAKE_TEST_PASSWORD" }, poolSize: 2 } }) },
    });
    process.env["SNOWFLAKE_TEST_PASSWORD"] = TEST_USER.password;
    const result = await materialize(definitions, { executor: inProcessExecutor({ maxConcurrency: 5 }) });
    delete process.env["SNOWFLAKE_TEST_PASSWORD"];
    expect(failureOf(await result.instance.getEvents(result.runId))).toBeUndefined();
    const logins = count("POST /session/v1/login-request") - before.logins;
    expect(logins).toBeGreaterThan(0);
    expect(logins).toBeLessThanOrEqual(2);
    expect(count("POST /session") - before.deletes).toBe(logins);
    const selects = server.queries.filter((q) => q.sqlText === "SELECT ? + 1 AS N");
    expect(selects.map((q) => JSON.parse(q.queryTag!)).sort((a, b) => a.orch_asset.localeCompare(b.orch_asset))).toEqual(
      steps.map((_, i) => ({ orch_run_id: result.runId, orch_asset: `tagged/step_${i}` })),
    );
    expect(await server.duckdb(`SELECT n::INTEGER AS n FROM tagged.step_3`)).toEqual([{ n: 4 }]);
  });

  it("runs the statements of withSession on one session, so a transaction spans them", async () => {
    const resource = createSnowflakeResource(snowflakeConfig.parse(testConnection(server)));
    try {
      await resource.query('CREATE TABLE "session_test" ("id" NUMBER(38,0))');
      const insertThen = (end: string) =>
        resource.withSession(async (session) => {
          await session.execute("BEGIN");
          await session.execute('INSERT INTO "session_test" ("id") VALUES (?)', [end === "COMMIT" ? 1 : 2]);
          await session.execute(end);
        });
      await insertThen("ROLLBACK");
      await insertThen("COMMIT");
      expect((await resource.query('SELECT "id" FROM "session_test"')).rows).toEqual([{ id: 1 }]);
    } finally {
      await resource.pool.release();
    }
  });

  it("polls for the result of a statement the server reports in progress", async () => {
    const slow = await startTestSnowflake({ inProgressAfterMs: 0 });
    const resource = createSnowflakeResource(snowflakeConfig.parse(testConnection(slow)));
    try {
      const { rows } = await resource.query<{ N: number }>("SELECT count(*) AS N FROM range(2000000)");
      expect(rows).toEqual([{ N: 2_000_000 }]);
      expect(slow.requests.filter((r) => /^GET \/queries\/[^/]+\/result$/.test(r)).length).toBeGreaterThanOrEqual(1);
    } finally {
      await resource.pool.release();
      await slow.stop();
    }
  });

  it("returns a query's rows as an Arrow Table", async () => {
    const resource = createSnowflakeResource(snowflakeConfig.parse(testConnection(server)));
    try {
      const { table, queryId } = await resource.queryArrow("SELECT range AS id, 'row ' || range AS label FROM range(5)");
      expect(table.numRows).toBe(5);
      expect(table.schema.fields.map((f) => f.name)).toEqual(["id", "label"]);
      expect(table.getChild("label")!.get(4)).toBe("row 4");
      expect(server.queries.some((q) => q.queryId === queryId)).toBe(true);
    } finally {
      await resource.pool.release();
    }
  });

  it("signs in with a key pair", async () => {
    const resource = createSnowflakeResource(snowflakeConfig.parse({ ...testConnection(server), username: "KEYPAIR", password: undefined, authenticator: "SNOWFLAKE_JWT", privateKey: keys.privateKey }));
    try {
      expect((await resource.query("SELECT 'ok' AS STATUS")).rows).toEqual([{ STATUS: "ok" }]);
    } finally {
      await resource.pool.release();
    }
  });

  it("aborts a running statement on the server when the step's signal fires", async () => {
    const resource = createSnowflakeResource(snowflakeConfig.parse(testConnection(server)));
    try {
      const controller = new AbortController();
      const running = resource.query("SELECT count(*) FROM range(1000000000000) a WHERE a.range % 7 = 3", [], { signal: controller.signal }).catch((e: unknown) => e);
      while (!server.queries.some((q) => q.sqlText.includes("range(1000000000000)"))) await new Promise((r) => setTimeout(r, 20));
      controller.abort();
      const error = await running;
      expect(isOrchError(error, "SNOWFLAKE_QUERY_CANCELED")).toBe(true);
      expect((error as Error).message).toContain("000604");
      expect(server.requests.some((r) => /^POST \/queries\/.+\/abort-request$/.test(r))).toBe(true);
    } finally {
      await resource.pool.release();
    }
  });
});

describe("failures name the resource, the asset and Snowflake's own error", () => {
  const writeWith = async (connection: Record<string, unknown>) => {
    const orders = asset({ key: ["failing", "orders"], compute: () => [{ id: 1 }] });
    const run = await materialize(defineDefinitions({ assets: [orders], ioManagers: { io: snowflakeIOManager({ connection: { ...testConnection(server), ...connection } }) } }));
    expect(run.success).toBe(false);
    return failureOf(await run.instance.getEvents(run.runId))!;
  };

  it("bad credentials", async () => {
    const error = await writeWith({ password: "wrong" });
    expect(error.message).toContain('asset "failing/orders"');
    expect(error.message).toContain('Snowflake account "orch-test" (user "ORCH_TEST"');
    expect(error.message).toContain("390100");
    expect(error.message).toContain("Incorrect username or password was specified.");
  });

  it("a warehouse that does not exist", async () => {
    const error = await writeWith({ warehouse: "MISSING_WH" });
    expect(error.message).toContain('asset "failing/orders"');
    expect(error.message).toContain('warehouse "MISSING_WH"');
    expect(error.message).toContain("000606");
    expect(error.message).toContain("No active warehouse selected in the current session.");
  });

  it("a role without the privilege", async () => {
    const error = await writeWith({ username: "ANALYST", password: "read only" });
    expect(error.message).toContain('asset "failing/orders"');
    expect(error.message).toContain('user "ANALYST"');
    expect(error.message).toContain("003001");
    expect(error.message).toContain("Insufficient privileges");
  });

  it("a syntax error in a query run through the resource", async () => {
    const broken = asset({
      key: ["failing", "report"],
      resources: ["snowflake"],
      compute: async (context) => (await (context.resources.snowflake as SnowflakeResource).query("SELEC 1", [], { context })).rows,
    });
    const run = await materialize(defineDefinitions({ assets: [broken], resources: { snowflake: snowflakeResource(testConnection(server)) } }));
    const error = failureOf(await run.instance.getEvents(run.runId))!;
    expect(error.code).toBe("SNOWFLAKE_QUERY_FAILED");
    expect(error.message).toContain('Snowflake account "orch-test" (user "ORCH_TEST", warehouse "COMPUTE_WH") for asset "failing/report"');
    expect(error.message).toContain("001003 (42000)");
    expect(error.message).toContain("SQL compilation error");
  });
});

function count(request: string): number {
  return server.requests.filter((r) => r === request || r.startsWith(`${request}?`)).length;
}
