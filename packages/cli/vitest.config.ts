import { defineConfig } from "vitest/config";
import { shared } from "../../vitest.shared.ts";

// The CLI tests start real `orch` processes (a second or more each on a busy machine).
export default defineConfig({ ...shared, test: { ...shared.test, testTimeout: 120_000 } });
