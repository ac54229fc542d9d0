// A local BigQuery and a matching config, for the package's tests and the benchmark.
import { startFakeBigQuery, type FakeBigQuery, type FakeBigQueryOptions } from "./server.ts";

export const TEST_PROJECT = "orch-test";
export const TEST_TOKEN = "local-test-token";
export const READ_ONLY_TOKEN = "local-read-only-token";

export function startTestBigQuery(options: Partial<FakeBigQueryOptions> = {}): Promise<FakeBigQuery> {
  return startFakeBigQuery({ tokens: { [TEST_TOKEN]: { projects: [TEST_PROJECT] }, [READ_ONLY_TOKEN]: { projects: [TEST_PROJECT], readOnly: true } }, ...options });
}

export function testConfig(server: FakeBigQuery, overrides: Record<string, unknown> = {}) {
  return { projectId: TEST_PROJECT, location: "US", accessToken: TEST_TOKEN, apiEndpoint: server.url, ...overrides };
}
