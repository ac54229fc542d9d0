// A local Snowflake and a matching connection config, for the package's tests and the benchmark.
import { startFakeSnowflake, type FakeSnowflake, type FakeSnowflakeOptions } from "./server.ts";

export const TEST_USER = { username: "ORCH_TEST", password: "correct horse" } as const;

export async function startTestSnowflake(options: Partial<FakeSnowflakeOptions> = {}): Promise<FakeSnowflake> {
  return startFakeSnowflake({
    users: { [TEST_USER.username]: { password: TEST_USER.password, defaultRole: "TRANSFORMER" }, ANALYST: { password: "read only", defaultRole: "READER" } },
    warehouses: ["COMPUTE_WH"],
    readOnlyRoles: ["READER"],
    ...options,
  });
}

/** Connection config for `server` (resource and IO manager `connection`). */
export function testConnection(server: FakeSnowflake, overrides: Record<string, unknown> = {}) {
  return {
    account: "orch-test",
    username: TEST_USER.username,
    password: TEST_USER.password,
    warehouse: "COMPUTE_WH",
    database: "ORCH",
    schema: "PUBLIC",
    accessUrl: server.url,
    ...overrides,
  };
}
