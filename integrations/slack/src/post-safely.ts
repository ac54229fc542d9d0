import type { StepLogger } from "@orch/core";
import type { SlackMessage } from "./blocks.ts";
import type { SlackClientSource } from "./alert-options.ts";

export interface PostRequest {
  readonly source: SlackClientSource;
  readonly resources: Readonly<Record<string, unknown>>;
  readonly channel: string;
  /** Built inside the guard, so a throwing user `message` function is a warning too. */
  readonly message: () => SlackMessage | string;
  readonly log: StepLogger;
  readonly timeoutMs: number;
  /** What the alert is about, for the warning: `run abc failure`. */
  readonly what: string;
}

/**
 * Posts a message and never throws: an outage, a rate limit that outlasts the timeout or a bad token becomes a
 * warning in the run's log, not a failed run. Resolves to whether Slack accepted the message.
 */
export async function postSafely(request: PostRequest): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = await request.source.get(request.resources);
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
    });
    const message = toMessage(request.message());
    const args = { channel: request.channel, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) };
    await Promise.race([client.chat.postMessage(args as never), deadline]);
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    try {
      request.log.warn(`[slack] Could not post the ${request.what} alert to ${request.channel}: ${reason}`, { channel: request.channel });
    } catch {
      // The log itself is gone (run torn down); nothing else to tell.
    }
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** A user `message` function may return plain text. */
export function toMessage(value: SlackMessage | string): SlackMessage {
  return typeof value === "string" ? { text: value } : value;
}
