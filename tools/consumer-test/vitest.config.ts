import { defineConfig } from "vitest/config";
import { shared } from "../../vitest.shared.ts";

// Packing, three `npm install`s and the runs take minutes on a busy 2-core machine.
export default defineConfig({ ...shared, test: { ...shared.test, testTimeout: 600_000, hookTimeout: 900_000 } });
