import type { ViteUserConfig } from "vitest/config";

/** Settings every package's vitest config starts from. */
export const shared: ViteUserConfig = {
  resolve: { conditions: ["@orch/source"] },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    passWithNoTests: true,
    hookTimeout: 60_000,
  },
};
