import { defineConfig } from "vitest/config";
import { shared } from "../../vitest.shared.ts";

// Workspace packages that point `exports` at dist/ resolve to their sources through the @orch/source condition,
// which vite applies to server-side (test) modules only when ssr.resolve says so.
export default defineConfig({ ...shared, ssr: { resolve: { conditions: ["@orch/source"], externalConditions: ["@orch/source"] } } });
