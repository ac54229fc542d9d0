import { z } from "zod";
import { formatZodIssues } from "../zod-issues.ts";

/**
 * orch Pipes, version 1 (docs/concepts/pipes.md is the reference). The orchestrator writes the context as JSON to
 * a file named by ORCH_PIPES_CONTEXT; the process appends one JSON message per line to the channel (a file or a
 * FIFO) named by ORCH_PIPES_MESSAGES. The client libraries in @orch/pipes speak the same version: they cannot
 * import this file (no dependency on core), so a test in each checks the constants against it.
 */
export const PIPES_PROTOCOL = "orch-pipes/1";
export const SUPPORTED_PIPES_PROTOCOLS: readonly string[] = [PIPES_PROTOCOL];
export const PIPES_CONTEXT_ENV = "ORCH_PIPES_CONTEXT";
export const PIPES_MESSAGES_ENV = "ORCH_PIPES_MESSAGES";

/** What the external process reads from the context file. */
export interface PipesContextData {
  readonly protocol: typeof PIPES_PROTOCOL;
  readonly runId: string;
  readonly stepKey: string;
  readonly attempt: number;
  /** Asset keys in `a/b` form; the first is the default for reports that name none. */
  readonly assetKeys: readonly string[];
  readonly partitionKey?: string;
  /** A range run: its first and last keys, and every key in order. */
  readonly partitionKeyRange?: { readonly start: string; readonly end: string };
  readonly partitionKeys?: readonly string[];
  readonly timeWindow?: { readonly start: string; readonly end: string };
  /** The step's run config (already validated by orch). */
  readonly config: unknown;
  /** Whatever the caller of pipesSubprocess passed as `extras`. */
  readonly extras: Readonly<Record<string, unknown>>;
}

const level = z.enum(["debug", "info", "warn", "error"]);
const metadata = z.record(z.string(), z.unknown());

const logParams = z.object({ level, message: z.string(), metadata: metadata.optional() }).strict();
const materializationParams = z
  .object({ assetKey: z.string().min(1).optional(), metadata: metadata.optional(), dataVersion: z.string().min(1).optional() })
  .strict();
const checkParams = z
  .object({
    assetKey: z.string().min(1).optional(),
    checkName: z.string().regex(/^[A-Za-z0-9_\-]+$/, 'letters, digits, "_" and "-"'),
    passed: z.boolean(),
    severity: z.enum(["error", "warn"]).optional(),
    description: z.string().optional(),
    metadata: metadata.optional(),
  })
  .strict();
const closedParams = z
  .object({ error: z.object({ name: z.string().optional(), message: z.string(), stack: z.string().optional() }).optional() })
  .strict();

export const pipesMessageSchema = z.discriminatedUnion("method", [
  z.object({ protocol: z.string(), method: z.literal("log"), params: logParams }).strict(),
  z.object({ protocol: z.string(), method: z.literal("reportMaterialization"), params: materializationParams }).strict(),
  z.object({ protocol: z.string(), method: z.literal("reportAssetCheck"), params: checkParams }).strict(),
  z.object({ protocol: z.string(), method: z.literal("closed"), params: closedParams.default({}) }).strict(),
]);

export type PipesMessage = z.output<typeof pipesMessageSchema>;
export const PIPES_METHODS = ["log", "reportMaterialization", "reportAssetCheck", "closed"] as const;

/** One channel line, parsed: a message, or why it was refused (shown in a warning naming the line). */
export type ParsedLine = { readonly ok: true; readonly message: PipesMessage } | { readonly ok: false; readonly reason: string };

export function parsePipesLine(line: string): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { ok: false, reason: "not a JSON object" };
  const protocol = (raw as { protocol?: unknown }).protocol;
  if (typeof protocol !== "string" || !SUPPORTED_PIPES_PROTOCOLS.includes(protocol)) {
    return { ok: false, reason: `protocol ${JSON.stringify(protocol ?? null)} is not supported; supported: ${SUPPORTED_PIPES_PROTOCOLS.join(", ")}` };
  }
  const method = (raw as { method?: unknown }).method;
  if (typeof method !== "string" || !(PIPES_METHODS as readonly string[]).includes(method)) {
    return { ok: false, reason: `unknown method ${JSON.stringify(method ?? null)}; methods are ${PIPES_METHODS.join(", ")}` };
  }
  const parsed = pipesMessageSchema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, reason: `bad ${method} message: ${formatZodIssues(parsed.error.issues, "").join("; ")}` };
}
