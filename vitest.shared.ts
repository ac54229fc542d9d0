import { defaultClientConditions, defaultServerConditions } from "vite";
import type { ViteUserConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources through the `@orch/source` export condition (their
// `default` export is the dist/ build). Vite applies `resolve.conditions` to the client environment only;
// tests run in the server (ssr) one, which has its own list.
const SOURCE = "@orch/source";

/** Settings every package's vitest config starts from. */
export const shared: ViteUserConfig = {
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions], externalConditions: [SOURCE] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    passWithNoTests: true,
    hookTimeout: 60_000,
  },
};
