import { OrchError, resolveEnvRefs, type EnvVarRef } from "@orch/core";
import type { ChatPostMessageArguments } from "@slack/web-api";
import { createSlackClient, type SlackClientConstructor } from "./load-slack-client.ts";

/** Options shared by every Slack hook and listener. */
export interface SlackAlertOptions {
  /** Channel name (`#data-alerts`) or id (`C0123`). */
  channel: string;
  /**
   * Where the client comes from. With `token`, the alert makes its own client (resolved from `{ env }` when it
   * first posts). Without it, it uses the `slackResource` under `resourceKey` (default `slack`), which the
   * alert declares in its `resources`.
   */
  token?: string | EnvVarRef;
  resourceKey?: string;
  /** Only with `token`: Slack API root, per-request timeout and retries. */
  apiUrl?: string;
  requestTimeoutMs?: number;
  retries?: number;
  /** The UI's base URL; run links are `${baseUrl}/runs/${runId}`. */
  baseUrl?: string;
  /** Overrides the link template. */
  runUrl?: (runId: string) => string;
  /** Longest wait for one alert (all retries included) before giving up with a warning. Default 15 s. */
  timeoutMs?: number;
  /** Hook or listener name, shown in HOOK_* events and warnings. */
  name?: string;
  clientConstructor?: SlackClientConstructor;
}

/** The one method alerts need; a `WebClient` fits. */
export interface SlackPoster {
  chat: { postMessage(args: ChatPostMessageArguments): Promise<unknown> };
}

export interface SlackClientSource {
  /** Resource keys to declare on the hook or listener. */
  readonly resources: readonly string[] | undefined;
  get(resources: Readonly<Record<string, unknown>>): Promise<SlackPoster>;
}

export function checkAlertOptions(options: SlackAlertOptions, factory: string): void {
  if (typeof options?.channel !== "string" || options.channel.trim() === "") {
    throw new OrchError("INVALID_DEFINITION", `${factory}() needs a channel, e.g. { channel: "#data-alerts" }.`, { pkg: "slack" });
  }
}

export function slackClientSource(options: SlackAlertOptions, owner: string): SlackClientSource {
  const token = options.token;
  if (token === undefined) {
    const key = options.resourceKey ?? "slack";
    return {
      resources: [key],
      get: async (resources) => {
        const client = resources[key] as SlackPoster | undefined;
        if (typeof client?.chat?.postMessage !== "function") {
          throw new OrchError("MISSING_RESOURCE", `${owner} expects a Slack client under resource "${key}" (slackResource), or a token option.`, {
            pkg: "slack",
          });
        }
        return client;
      },
    };
  }
  let client: Promise<SlackPoster> | undefined;
  return {
    resources: undefined,
    get: () => {
      client ??= (async () => {
        const resolved = resolveEnvRefs({ token }, owner).value as { token: string };
        return createSlackClient({
          token: resolved.token,
          timeoutMs: options.requestTimeoutMs ?? 10_000,
          retries: options.retries ?? 2,
          ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
          ...(options.clientConstructor ? { clientConstructor: options.clientConstructor } : {}),
        });
      })();
      // A failed set-up (e.g. a missing env var) is retried at the next alert instead of being cached.
      client.catch(() => (client = undefined));
      return client;
    },
  };
}
