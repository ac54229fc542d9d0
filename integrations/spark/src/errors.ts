export const SPARK_PKG = "spark";

/** Codes of @orch/spark refusals (listed in docs/errors.md). */
export const SparkErrorCode = {
  /** No spark-submit at the configured path (or on PATH). */
  SUBMIT_NOT_FOUND: "SPARK_SUBMIT_NOT_FOUND",
  /** The application file (a local path) cannot be read. */
  APPLICATION_UNREADABLE: "SPARK_APPLICATION_UNREADABLE",
  /** A conf key or value spark-submit would refuse. */
  INVALID_CONF: "SPARK_INVALID_CONF",
  /** A master / deploy mode combination the Pipes context cannot reach (e.g. standalone cluster mode). */
  UNSUPPORTED_DEPLOYMENT: "SPARK_UNSUPPORTED_DEPLOYMENT",
  /** spark-submit or the application exited non-zero. */
  JOB_FAILED: "SPARK_JOB_FAILED",
} as const;
