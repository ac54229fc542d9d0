/** The running @orch/core version, checked against plugins' `core` ranges. Keep in step with package.json. */
export const CORE_VERSION = "0.1.0";
