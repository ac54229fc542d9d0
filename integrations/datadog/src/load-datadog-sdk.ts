import { OrchError } from "@orch/core";

export type DatadogSdk = typeof import("@datadog/datadog-api-client");

let loading: Promise<DatadogSdk> | undefined;

/**
 * Imports the peer dependency once per process, on first use. It is large (seconds to load), so listeners and
 * loggers start this at the first event of a run, well before they need it at run end.
 */
export function loadDatadogSdk(): Promise<DatadogSdk> {
  loading ??= import("@datadog/datadog-api-client").then(
    (mod) => ((mod as { client?: unknown }).client ? mod : (mod as unknown as { default: DatadogSdk }).default) as DatadogSdk,
    (cause: unknown) => {
      loading = undefined;
      throw new OrchError(
        "MISSING_PEER_DEPENDENCY",
        'Datadog metrics and logs need the "@datadog/datadog-api-client" package (^1.30): npm install @datadog/datadog-api-client',
        { pkg: "datadog", cause },
      );
    },
  );
  return loading;
}
