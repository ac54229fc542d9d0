/** Codes of Pipes refusals (listed in docs/errors.md under @orch/core). */
export const PipesErrorCode = {
  /** The process could not be started (missing executable, bad cwd). */
  PIPES_SPAWN_FAILED: "PIPES_SPAWN_FAILED",
  /** The process exited non-zero or was killed by a signal. */
  PIPES_PROCESS_FAILED: "PIPES_PROCESS_FAILED",
  /** The Pipes files could not be set up (temp dir, FIFO). */
  PIPES_SETUP_FAILED: "PIPES_SETUP_FAILED",
  /** The process's reports do not fit the step (e.g. a materialization for an asset it does not compute). */
  PIPES_INVALID_REPORT: "PIPES_INVALID_REPORT",
} as const;

export type PipesErrorCode = (typeof PipesErrorCode)[keyof typeof PipesErrorCode];
