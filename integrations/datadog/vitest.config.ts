import { defineConfig } from "vitest/config";
import { shared } from "../../vitest.shared.ts";

// The Datadog SDK takes seconds to import; sharing workers between test files imports it once, not per file.
export default defineConfig({ ...shared, test: { ...shared.test, isolate: false } });
