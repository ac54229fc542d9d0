import { createRequire } from "node:module";

// Read from package.json (one directory up from both src/ and dist/), so a release bumps one place only.
const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

/** The running @orch/core version, checked against plugins' `core` ranges. */
export const CORE_VERSION: string = version;
