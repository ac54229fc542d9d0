import type { Definitions, InstanceStorage } from "@orch/core";

/** What every route reads: the loaded definitions, the instance, and the hooks the host process provides. */
export interface ServerContext {
  readonly definitions: Definitions;
  readonly instance: InstanceStorage;
  readonly readOnly: boolean;
  /** Shown on the instance page: the instance directory, executor, whether a daemon runs in this process. */
  readonly info: Readonly<Record<string, string>>;
}
