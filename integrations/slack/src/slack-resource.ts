import { defineResource, type ResourceDefinition } from "@orch/core";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { createSlackClient, type SlackClientConstructor } from "./load-slack-client.ts";

export const slackResourceConfig = z.object({
  /** A bot token (`xoxb-...`); write it as `{ env: "SLACK_BOT_TOKEN" }`. */
  token: z.string().min(1, "a Slack bot token is required"),
  apiUrl: z.url().optional(),
  timeoutMs: z.number().int().positive().default(10_000),
  retries: z.number().int().min(0).max(10).default(2),
});

export interface SlackResourceOptions {
  /** Used instead of importing `@slack/web-api` (tests, or a preconfigured subclass). */
  clientConstructor?: SlackClientConstructor;
}

/**
 * A Slack `WebClient` for assets, ops, hooks and listeners under one resource key (by convention `slack`):
 * `resources: { slack: slackResource({ token: { env: "SLACK_BOT_TOKEN" } }) }`.
 */
export function slackResource(config?: unknown, options: SlackResourceOptions = {}): ResourceDefinition<WebClient, z.output<typeof slackResourceConfig>> {
  return defineResource({
    description: "Slack Web API client",
    config: slackResourceConfig,
    create: (resolved) =>
      createSlackClient({
        token: resolved.token,
        timeoutMs: resolved.timeoutMs,
        retries: resolved.retries,
        ...(resolved.apiUrl !== undefined ? { apiUrl: resolved.apiUrl } : {}),
        ...(options.clientConstructor ? { clientConstructor: options.clientConstructor } : {}),
      }),
  })(config);
}
