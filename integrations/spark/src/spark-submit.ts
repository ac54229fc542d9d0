import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { basename, delimiter, isAbsolute, join, resolve } from "node:path";
import { promisify } from "node:util";
import {
  createPipesSession,
  isOrchError,
  OrchError,
  PIPES_CONTEXT_ENV,
  PipesErrorCode,
  pipesSubjectOf,
  pipesSubprocess,
  type AssetKeyInput,
  type Output,
  type PipesResult,
  type PipesStepContext,
} from "@orch/core";
import { collectDriverFacts, driverMetadata, type DriverFacts } from "./driver-facts.ts";
import { SPARK_PKG, SparkErrorCode } from "./errors.ts";
import { parseLog4jLine } from "./log4j.ts";
import { checkConf, driverEnvConfPrefix, redactedCommand, sparkSubmitArgs, type SparkSubmission, type SparkSubmitSettings } from "./submit-args.ts";

export interface SparkSubmitConfig extends SparkSubmitSettings {
  /** `$SPARK_HOME`: spark-submit is `<sparkHome>/bin/spark-submit`. */
  readonly sparkHome?: string;
  /** The spark-submit executable (a path, or a name looked up on PATH). Default from sparkHome, else `spark-submit`. */
  readonly sparkSubmitPath?: string;
  /** Environment for spark-submit (and, in cluster mode, the driver) over orch's own. Never logged. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where Pipes files live: required in cluster mode, a directory the driver can reach (a shared mount). */
  readonly pipesDir?: string;
  /** Milliseconds between SIGTERM and SIGKILL on cancel; default 5000. */
  readonly killGraceMs?: number;
}

export interface SparkRunOptions extends SparkSubmission {
  /** The assets the job reports; default the context's asset. */
  readonly assetKeys?: readonly AssetKeyInput[];
  /** Passed to the job as the Pipes context's `extras`. */
  readonly extras?: Readonly<Record<string, unknown>>;
}

/** A finished application: what it reported through Pipes and what its driver output told. */
export interface SparkRunResult {
  readonly pipes: PipesResult;
  readonly facts: Readonly<DriverFacts>;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The asset's materialization: what the job reported, plus the application id and tracking URL. */
  output<T = null>(value?: T, options?: { assetKey?: AssetKeyInput }): Output<T>;
}

export interface SparkSubmitClient {
  readonly config: SparkSubmitConfig;
  /** The spark-submit executable this client runs. */
  readonly executable: string;
  run(context: PipesStepContext, options: SparkRunOptions): Promise<SparkRunResult>;
}

const execFileAsync = promisify(execFile);

export function createSparkSubmit(config: SparkSubmitConfig): SparkSubmitClient {
  checkConf(config.conf, "spark resource");
  const executable = config.sparkSubmitPath ?? (config.sparkHome ? join(config.sparkHome, "bin", "spark-submit") : "spark-submit");
  return { config, executable, run: (context, options) => runSparkApplication(config, executable, context, options) };
}

async function runSparkApplication(config: SparkSubmitConfig, executable: string, context: PipesStepContext, options: SparkRunOptions): Promise<SparkRunResult> {
  const cluster = config.deployMode === "cluster";
  const driverPrefix = driverEnvConfPrefix(config.master);
  const subject = pipesSubjectOf(context, options.assetKeys);
  if (cluster && !driverPrefix) {
    throw new OrchError(SparkErrorCode.UNSUPPORTED_DEPLOYMENT, `${subject}: deploy mode "cluster" on master ${config.master} cannot pass the Pipes context to the driver; use client mode, YARN or Kubernetes`, { pkg: SPARK_PKG });
  }
  if (cluster && !config.pipesDir) {
    throw new OrchError(SparkErrorCode.UNSUPPORTED_DEPLOYMENT, `${subject}: deploy mode "cluster" needs the spark resource's pipesDir: a directory the driver can read and write (a shared mount)`, { pkg: SPARK_PKG });
  }
  checkConf(options.conf, subject);
  const resolved = resolveExecutable(executable, config.env?.PATH ?? process.env.PATH ?? "");
  if (!resolved) {
    const hint = config.sparkHome ? ` (from sparkHome ${config.sparkHome})` : config.sparkSubmitPath ? "" : " on PATH";
    throw new OrchError(SparkErrorCode.SUBMIT_NOT_FOUND, `${subject}: spark-submit not found: ${executable}${hint} is not an executable file; set the spark resource's sparkHome or sparkSubmitPath`, { pkg: SPARK_PKG });
  }
  checkApplication(options.application, subject);

  const session = await createPipesSession(context, {
    ...(options.assetKeys ? { assetKeys: options.assetKeys } : {}),
    ...(options.extras ? { extras: options.extras } : {}),
    ...(config.pipesDir ? { dir: config.pipesDir } : {}),
  });
  const args = sparkSubmitArgs(config, options, {
    driverEnv: { ...(config.env ?? {}), ...session.env },
    executorEnv: { [PIPES_CONTEXT_ENV]: session.env[PIPES_CONTEXT_ENV]! },
  });
  const display = redactedCommand(basename(resolved), args);
  const facts: DriverFacts = {};
  const stderr: string[] = [];
  let pipes: PipesResult;
  try {
    pipes = await pipesSubprocess(context, {
      command: resolved,
      args,
      ...(config.env ? { env: config.env } : {}),
      session,
      displayCommand: display,
      ...(config.killGraceMs !== undefined ? { killGraceMs: config.killGraceMs } : {}),
      onOutputLine: (line, stream) => {
        collectDriverFacts(facts, line);
        if (stream === "stderr") {
          stderr.push(line);
          if (stderr.length > 40) stderr.shift();
        }
        const parsed = parseLog4jLine(line);
        if (!parsed) return false;
        context.log[parsed.level](parsed.message, { "spark/logger": parsed.logger, "spark/time": parsed.timestamp });
        return true;
      },
      onCancel: cluster ? () => killSubmission(resolved, config, facts, context) : undefined,
    });
  } catch (error) {
    if (!isOrchError(error, PipesErrorCode.PIPES_PROCESS_FAILED)) throw error;
    const app = `${basename(options.application)}${facts.applicationId ? ` (${facts.applicationId})` : ""}`;
    const exit = (error.details?.exitCode as number | null) ?? null;
    const how = exit !== null ? `exit code ${exit}` : `signal ${String(error.details?.signal)}`;
    throw new OrchError(SparkErrorCode.JOB_FAILED, `${subject}: Spark application ${app} failed with ${how}: ${mainCause(stderr)}\nlast driver output:\n${stderr.slice(-15).join("\n")}`, {
      pkg: SPARK_PKG,
      cause: error,
      details: { exitCode: exit, ...(facts.applicationId ? { applicationId: facts.applicationId } : {}) },
    });
  }
  const metadata = driverMetadata(facts, config.master, config.deployMode);
  return { pipes, facts, metadata, output: (value, outputOptions = {}) => pipes.output(value, { ...outputOptions, metadata }) };
}

/** The line that says why: Spark's exception, a Python exception, or an ERROR line. */
function mainCause(lines: readonly string[]): string {
  const telling = [...lines].reverse().find((l) => /^(Exception in thread|\w+(\.\w+)*(Error|Exception): )/.test(l)) ?? [...lines].reverse().find((l) => / (ERROR|FATAL) /.test(l));
  return telling ?? "no error output";
}

function resolveExecutable(executable: string, path: string): string | undefined {
  const candidates = executable.includes("/") ? [resolve(executable)] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, executable));
  for (const candidate of candidates) {
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/** A local application file must be readable; URIs (hdfs://, s3a://, local://) are the cluster's business. */
function checkApplication(application: string, subject: string): void {
  if (/^[a-z][a-z0-9+.\-]*:\/\//i.test(application) && !application.startsWith("file://")) return;
  const path = application.startsWith("file://") ? new URL(application).pathname : application;
  try {
    if (!statSync(path).isFile()) throw new Error("not a regular file");
    accessSync(path, constants.R_OK);
  } catch (cause) {
    throw new OrchError(SparkErrorCode.APPLICATION_UNREADABLE, `${subject}: the Spark application ${isAbsolute(path) ? path : resolve(path)} cannot be read: ${(cause as Error).message}`, { pkg: SPARK_PKG, cause });
  }
}

/** Cluster mode: the driver runs elsewhere, so killing spark-submit is not enough; ask the cluster to stop it. */
async function killSubmission(executable: string, config: SparkSubmitConfig, facts: DriverFacts, context: PipesStepContext): Promise<void> {
  if (!facts.submissionId) {
    const how = facts.applicationId && config.master.startsWith("yarn") ? `; stop it with: yarn application -kill ${facts.applicationId}` : "";
    context.log.warn(`spark: no submission id seen in the driver output, the application may keep running on ${config.master}${how}`);
    return;
  }
  context.log.warn(`spark: spark-submit --kill ${facts.submissionId} --master ${config.master}`);
  await execFileAsync(executable, ["--kill", facts.submissionId, "--master", config.master], { env: { ...process.env, ...(config.env ?? {}) }, timeout: 60_000 });
}
