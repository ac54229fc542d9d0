import { defineConfig } from "vitest/config";
import { shared } from "../../vitest.shared.ts";

// Vite takes the server-side resolve conditions from `ssr`; repeat ours there so @orch/* resolve to src/.
export default defineConfig({ ...shared, ssr: { resolve: { conditions: ["@orch/source"], externalConditions: ["@orch/source"] } } });
