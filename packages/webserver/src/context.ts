import type { Definitions, InstanceStorage } from "@orch/core";

/** Starts a re-execution of a finished run (the CLI runs it in this process); resolves the new run's id once it exists. */
export type Reexecutor = (parentRunId: string, options: { readonly fromFailure?: boolean; readonly steps?: readonly string[] }) => Promise<string>;

/** What every route reads: the loaded definitions, the instance, and the hooks the host process provides. */
export interface ServerContext {
  readonly definitions: Definitions;
  readonly instance: InstanceStorage;
  readonly readOnly: boolean;
  readonly reexecute?: Reexecutor;
  /** Shown on the instance page: the instance directory, executor, whether a daemon runs in this process. */
  readonly info: Readonly<Record<string, string>>;
}
