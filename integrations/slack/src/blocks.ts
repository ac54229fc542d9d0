/**
 * The few Block Kit shapes orch's alerts use, typed locally so the package pins no Slack type package.
 * https://api.slack.com/reference/block-kit/blocks
 */
export interface PlainText {
  readonly type: "plain_text";
  readonly text: string;
  readonly emoji?: boolean;
}
export interface MrkdwnText {
  readonly type: "mrkdwn";
  readonly text: string;
}
export type SlackBlock =
  | { readonly type: "header"; readonly text: PlainText }
  | { readonly type: "section"; readonly text?: MrkdwnText; readonly fields?: readonly MrkdwnText[] }
  | { readonly type: "context"; readonly elements: readonly MrkdwnText[] }
  | { readonly type: "divider" }
  | {
      readonly type: "actions";
      readonly elements: readonly { readonly type: "button"; readonly text: PlainText; readonly url: string; readonly action_id?: string }[];
    };

/** A message: `text` is the notification and screen-reader fallback, `blocks` the rich layout. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks?: readonly SlackBlock[];
}

// Slack's documented limits: header text 150 chars, section text 3000, 10 fields per section, 50 blocks.
export const HEADER_MAX = 150;
export const SECTION_MAX = 3000;
export const FIELDS_MAX = 10;
export const BLOCKS_MAX = 50;

export function header(text: string): SlackBlock {
  const trimmed = text.length > HEADER_MAX ? `${text.slice(0, HEADER_MAX - 1)}…` : text;
  return { type: "header", text: { type: "plain_text", text: trimmed, emoji: true } };
}

export function section(text: string): SlackBlock {
  const trimmed = text.length > SECTION_MAX ? `${text.slice(0, SECTION_MAX - 1)}…` : text;
  return { type: "section", text: { type: "mrkdwn", text: trimmed } };
}

/** A section of `*label*\nvalue` fields; undefined values are left out. */
export function fields(entries: readonly (readonly [string, string | undefined])[]): SlackBlock {
  const present = entries.filter((e): e is readonly [string, string] => e[1] !== undefined && e[1] !== "");
  return {
    type: "section",
    fields: present.slice(0, FIELDS_MAX).map(([label, value]) => ({ type: "mrkdwn", text: `*${label}*\n${value}` })),
  };
}

export function context(text: string): SlackBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text }] };
}

export function linkButton(label: string, url: string): SlackBlock {
  return { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: label }, url, action_id: "orch_open_run" }] };
}
