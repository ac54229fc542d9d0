import { formatZodIssues, OrchError, resolveEnvRefs, type EnvVarRef } from "@orch/core";
import { createDatadogClient, type DatadogClient } from "./datadog-client.ts";
import { connectionSettings, datadogConnectionConfig } from "./datadog-resource.ts";
import type { DatadogSdk } from "./load-datadog-sdk.ts";

/** How a listener or logger reaches Datadog without a resource: its own connection settings. */
export interface DatadogConnectionOptions {
  apiKey?: string | EnvVarRef;
  appKey?: string | EnvVarRef;
  site?: string;
  baseUrl?: string;
  requestTimeoutMs?: number;
  retries?: number;
  maxRetryDelayMs?: number;
  /** A ready client (e.g. shared with other code); wins over the settings above. */
  client?: DatadogClient;
  sdk?: DatadogSdk;
}

export interface DatadogClientSource {
  /** Resource keys to declare (none with an own connection). */
  readonly resources: readonly string[] | undefined;
  get(resources: Readonly<Record<string, unknown>>): Promise<DatadogClient>;
  /** Starts the slow SDK import early; errors surface later, from `get`. */
  warmUp(): void;
}

/** With `apiKey` (or `client`) the caller connects itself; otherwise it uses the resource under `resourceKey`. */
export function datadogClientSource(options: DatadogConnectionOptions & { resourceKey?: string }, owner: string): DatadogClientSource {
  if (options.client) {
    const client = options.client;
    return { resources: undefined, get: async () => client, warmUp: () => {} };
  }
  if (options.apiKey === undefined) {
    const key = options.resourceKey ?? "datadog";
    return {
      resources: [key],
      get: async (resources) => {
        const client = resources[key] as DatadogClient | undefined;
        if (typeof client?.metrics?.submitMetrics !== "function") {
          throw new OrchError("MISSING_RESOURCE", `${owner} expects a Datadog client under resource "${key}" (datadogResource), or an apiKey option.`, {
            pkg: "datadog",
          });
        }
        return client;
      },
      warmUp: () => {},
    };
  }
  let client: Promise<DatadogClient> | undefined;
  const get = () => {
    client ??= (async () => {
      const { sdk, client: _ignored, ...raw } = options;
      const parsed = datadogConnectionConfig.safeParse(resolveEnvRefs(raw, owner).value);
      if (!parsed.success) {
        throw new OrchError("INVALID_PLUGIN_CONFIG", `${owner} has invalid Datadog settings:\n  ${formatZodIssues(parsed.error.issues, owner).join("\n  ")}`, { pkg: "datadog" });
      }
      return createDatadogClient(connectionSettings(parsed.data, sdk));
    })();
    // A failed set-up (missing env var, SDK not installed) is tried again next time instead of being cached.
    client.catch(() => (client = undefined));
    return client;
  };
  return {
    resources: undefined,
    get,
    warmUp: () => void get().catch(() => undefined),
  };
}
