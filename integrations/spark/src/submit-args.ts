import { OrchError } from "@orch/core";
import { SPARK_PKG, SparkErrorCode } from "./errors.ts";

export type SparkConfValue = string | number | boolean;

/** The resource's settings that shape every spark-submit command line. */
export interface SparkSubmitSettings {
  readonly master: string;
  readonly deployMode: "client" | "cluster";
  readonly conf?: Readonly<Record<string, SparkConfValue>>;
  readonly jars?: readonly string[];
  readonly packages?: readonly string[];
  readonly pyFiles?: readonly string[];
}

/** One application run. */
export interface SparkSubmission {
  /** The primary resource: a .py file (or a jar with `className`), a local path or a URI. */
  readonly application: string;
  readonly args?: readonly string[];
  readonly name?: string;
  readonly className?: string;
  readonly conf?: Readonly<Record<string, SparkConfValue>>;
  readonly jars?: readonly string[];
  readonly pyFiles?: readonly string[];
  readonly files?: readonly string[];
  /** Raw spark-submit options placed before the application (`--driver-memory 4g`, ...). */
  readonly extraArgs?: readonly string[];
}

const CONF_KEY = /^[^\s=]+$/;

/** Refuses conf keys spark-submit would reject or misread; `where` names the asset or resource. */
export function checkConf(conf: Readonly<Record<string, SparkConfValue>> | undefined, where: string): void {
  for (const [key, value] of Object.entries(conf ?? {})) {
    if (!CONF_KEY.test(key)) {
      throw new OrchError(SparkErrorCode.INVALID_CONF, `${where}: Spark conf key ${JSON.stringify(key)} must be non-empty, without spaces or "="`, { pkg: SPARK_PKG });
    }
    if (!["string", "number", "boolean"].includes(typeof value) || String(value).includes("\n")) {
      throw new OrchError(SparkErrorCode.INVALID_CONF, `${where}: Spark conf ${key} must be a single-line string, number or boolean`, { pkg: SPARK_PKG });
    }
  }
}

/** Where the driver reads environment variables from in cluster mode, by cluster manager. */
export function driverEnvConfPrefix(master: string): string | undefined {
  if (master.startsWith("yarn")) return "spark.yarn.appMasterEnv.";
  if (master.startsWith("k8s://")) return "spark.kubernetes.driverEnv.";
  return undefined;
}

/**
 * The spark-submit argument list (options, then the application and its args). `driverEnv` reaches the driver
 * as conf entries in cluster mode (in client mode the caller puts it in spark-submit's own environment);
 * `executorEnv` always goes through `spark.executorEnv.*`.
 */
export function sparkSubmitArgs(
  settings: SparkSubmitSettings,
  submission: SparkSubmission,
  env: { readonly driverEnv: Readonly<Record<string, string>>; readonly executorEnv: Readonly<Record<string, string>> },
): string[] {
  const args = ["--master", settings.master, "--deploy-mode", settings.deployMode];
  if (submission.name) args.push("--name", submission.name);
  if (submission.className) args.push("--class", submission.className);
  const list = (flag: string, ...parts: (readonly string[] | undefined)[]) => {
    const values = parts.flatMap((p) => p ?? []);
    if (values.length) args.push(flag, values.join(","));
  };
  list("--jars", settings.jars, submission.jars);
  list("--packages", settings.packages);
  list("--py-files", settings.pyFiles, submission.pyFiles);
  list("--files", submission.files);
  const conf: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...(settings.conf ?? {}), ...(submission.conf ?? {}) })) conf[key] = String(value);
  if (settings.deployMode === "cluster") {
    const prefix = driverEnvConfPrefix(settings.master);
    for (const [name, value] of Object.entries(env.driverEnv)) if (prefix) conf[`${prefix}${name}`] = value;
  }
  for (const [name, value] of Object.entries(env.executorEnv)) conf[`spark.executorEnv.${name}`] = value;
  for (const [key, value] of Object.entries(conf)) args.push("--conf", `${key}=${value}`);
  args.push(...(submission.extraArgs ?? []), submission.application, ...(submission.args ?? []));
  return args;
}

// Spark's own default spark.redaction.regex, plus every environment conf (they carry the user's env).
const REDACT_KEY = /secret|password|token|access[.]?key|Env\./i;

/** The command line as logs and errors show it: sensitive conf values replaced the way Spark shows them. */
export function redactedCommand(executable: string, args: readonly string[]): string {
  return [executable, ...args.map((arg, i) => (args[i - 1] === "--conf" || args[i - 1] === "-c" ? redactConf(arg) : arg))].join(" ");
}

function redactConf(pair: string): string {
  const eq = pair.indexOf("=");
  if (eq < 0) return pair;
  const key = pair.slice(0, eq);
  return REDACT_KEY.test(key) ? `${key}=*********(redacted)` : pair;
}
