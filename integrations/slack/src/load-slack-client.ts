import { OrchError } from "@orch/core";
import type { Logger, LogLevel, WebClient, WebClientOptions } from "@slack/web-api";

/** `WebClient` or anything constructed like it; tests pass their own. */
export type SlackClientConstructor = new (token?: string, options?: WebClientOptions) => WebClient;

export interface SlackClientSettings {
  readonly token: string;
  /** Slack's API root; point it at a proxy or a local stand-in. Default `https://slack.com/api/`. */
  readonly apiUrl?: string;
  /** Per-request timeout in ms. */
  readonly timeoutMs: number;
  /** Retries after a failed or rate-limited (429, honouring retry-after) request. */
  readonly retries: number;
  readonly clientConstructor?: SlackClientConstructor;
}

/** Loads the peer dependency on first use, so importing @orch/slack costs nothing until a message is sent. */
export async function loadWebClient(): Promise<SlackClientConstructor> {
  try {
    const mod = (await import("@slack/web-api")) as { WebClient?: SlackClientConstructor; default?: { WebClient?: SlackClientConstructor } };
    const ctor = mod.WebClient ?? mod.default?.WebClient;
    if (!ctor) throw new Error("the module has no WebClient export");
    return ctor;
  } catch (cause) {
    throw new OrchError("MISSING_PEER_DEPENDENCY", 'Slack alerts need the "@slack/web-api" package (>=7): npm install @slack/web-api', {
      pkg: "slack",
      cause,
    });
  }
}

export async function createSlackClient(settings: SlackClientSettings): Promise<WebClient> {
  const Client = settings.clientConstructor ?? (await loadWebClient());
  return new Client(settings.token, {
    ...(settings.apiUrl !== undefined ? { slackApiUrl: settings.apiUrl } : {}),
    timeout: settings.timeoutMs,
    // Bounded: the default policy retries for about 30 minutes, far longer than any run should wait on an alert.
    retryConfig: { retries: settings.retries, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    logger: quietLogger,
  });
}

/** orch reports delivery problems itself (as run warnings); the client's own console output would be noise. */
const quietLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => "error" as LogLevel,
  setName: () => {},
};
