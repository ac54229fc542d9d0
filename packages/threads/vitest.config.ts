import { defineConfig } from "vitest/config";
import { shared } from "../../vitest.shared.ts";

// One test file at a time: the tests measure parallel speedup with their own worker threads on 2 cores.
export default defineConfig({ ...shared, test: { ...shared.test, fileParallelism: false } });
