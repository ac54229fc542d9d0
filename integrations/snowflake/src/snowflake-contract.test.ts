import { describeTableIOManagerContract } from "@orch/core/testing";
import { afterAll, beforeAll } from "vitest";
import { startTestSnowflake, testConnection } from "../test/fake-snowflake/fixture.ts";
import type { FakeSnowflake } from "../test/fake-snowflake/server.ts";
import { snowflakeClient } from "./snowflake-client.ts";
import { snowflakeConfig } from "./snowflake-config.ts";
import { acquirePool } from "./snowflake-pool.ts";

let server: FakeSnowflake;
beforeAll(async () => {
  server = await startTestSnowflake();
});
afterAll(() => server.stop());

describeTableIOManagerContract("snowflake (local stand-in on DuckDB)", {
  makeClient: () => snowflakeClient(acquirePool(snowflakeConfig.parse(testConnection(server)))),
  reportsQueryId: true,
});
