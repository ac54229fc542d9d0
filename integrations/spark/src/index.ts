export { sparkSubmitResource } from "./spark-resource.ts";
export { sparkAsset, type SparkAssetOptions } from "./spark-asset.ts";
export { createSparkSubmit, type SparkSubmitClient, type SparkSubmitConfig, type SparkRunOptions, type SparkRunResult } from "./spark-submit.ts";
export { sparkSubmitArgs, redactedCommand, type SparkSubmission, type SparkSubmitSettings, type SparkConfValue } from "./submit-args.ts";
export { parseLog4jLine, type Log4jLine } from "./log4j.ts";
export type { DriverFacts } from "./driver-facts.ts";
export { SparkErrorCode, SPARK_PKG } from "./errors.ts";
