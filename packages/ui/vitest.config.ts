import { defineConfig } from "vitest/config";
import { shared } from "../../vitest.shared.ts";

// The app's pure modules (layout) are tested here too.
export default defineConfig({ ...shared, test: { ...shared.test, include: ["src/**/*.test.ts", "app/**/*.test.ts"] } });
