import { describeTableIOManagerContract } from "@orch/core/testing";
import { afterAll, beforeAll } from "vitest";
import { startTestBigQuery, testConfig } from "../test/fake-bigquery/fixture.ts";
import type { FakeBigQuery } from "../test/fake-bigquery/server.ts";
import { bigqueryClient } from "./bigquery-client.ts";
import { bigqueryConfig } from "./bigquery-config.ts";
import { createBigQueryClient } from "./load-bigquery.ts";

let server: FakeBigQuery;
beforeAll(async () => {
  server = await startTestBigQuery();
});
afterAll(() => server.stop());

describeTableIOManagerContract("bigquery (local stand-in on DuckDB)", {
  makeClient: async () => {
    const config = bigqueryConfig.parse(testConfig(server));
    return bigqueryClient(await createBigQueryClient(config), config);
  },
  reportsQueryId: true,
});
