import type { TimeWindow } from "@orch/core";

export interface DbtRunnerConfig {
  /** The dbt project (where dbt_project.yml lives). */
  readonly projectDir: string;
  readonly profilesDir?: string;
  readonly target?: string;
  /** `--vars` passed to every invocation. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Path or name of the dbt executable; default `dbt` from PATH. */
  readonly executable?: string;
  readonly threads?: number;
  /** Extra environment for the dbt process, over the current one. */
  readonly env?: Readonly<Record<string, string>>;
  /** Names of the vars a partition window is passed as; default `min_date` / `max_date`. */
  readonly partitionVars?: { readonly start: string; readonly end: string };
  /** dbt's target path, relative to the project; default `target`. */
  readonly targetPath?: string;
  /** Milliseconds between SIGTERM and SIGKILL on cancellation; default 5000. */
  readonly killGraceMs?: number;
  /**
   * Above this many `select` entries the selection goes to dbt as a generated named selector (`--selector`) instead
   * of `--select` arguments, so the command line stays short whatever the selection; default 200.
   */
  readonly maxSelectArgs?: number;
}

export interface DbtBuildOptions {
  /** Selection passed to `--select`; orch passes exact `fqn:` selectors. */
  readonly select: readonly string[];
  readonly exclude?: readonly string[];
  readonly vars?: Readonly<Record<string, unknown>>;
  /** A partition's time window, passed as `--vars` under `partitionVars` names. */
  readonly timeWindow?: TimeWindow;
  readonly signal?: AbortSignal;
}

/** A generated named selector standing for `options.select`, in a project view (see selector-project.ts). */
export interface DbtSelectorView {
  readonly dir: string;
  readonly selector: string;
}

/** The exact argument list for `dbt build`. */
export function dbtBuildArgs(config: DbtRunnerConfig, options: DbtBuildOptions, view?: DbtSelectorView): string[] {
  const args = ["build", "--project-dir", view?.dir ?? config.projectDir];
  if (config.profilesDir) args.push("--profiles-dir", config.profilesDir);
  if (config.target) args.push("--target", config.target);
  if (config.threads !== undefined) args.push("--threads", String(config.threads));
  if (view) args.push("--selector", view.selector);
  else if (options.select.length > 0) args.push("--select", ...options.select);
  if (options.exclude && options.exclude.length > 0) args.push("--exclude", ...options.exclude);
  const names = config.partitionVars ?? { start: "min_date", end: "max_date" };
  const vars = {
    ...(config.vars ?? {}),
    ...(options.vars ?? {}),
    ...(options.timeWindow ? { [names.start]: options.timeWindow.start, [names.end]: options.timeWindow.end } : {}),
  };
  if (Object.keys(vars).length > 0) args.push("--vars", JSON.stringify(vars));
  args.push("--log-format", "json");
  return args;
}
