import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assetKeyToString, type AssetKey, type AssetKeyInput } from "../asset-key.ts";
import { OrchError } from "../errors.ts";
import { normalizeMetadata, type Metadata } from "../metadata.ts";
import type { Severity } from "../type-check.ts";
import { openChannel, type PipesChannel, type PipesChannelKind } from "./channel.ts";
import { pipesContextData, pipesSubject, stepAssetKeys, type PipesStepContext } from "./context.ts";
import { PipesErrorCode } from "./errors.ts";
import { parsePipesLine, PIPES_CONTEXT_ENV, PIPES_MESSAGES_ENV, type PipesMessage } from "./protocol.ts";

export interface PipesSessionOptions {
  /** The assets the process reports on; default the asset of the context. */
  readonly assetKeys?: readonly AssetKeyInput[];
  /** Passed to the process as `extras` in its context. */
  readonly extras?: Readonly<Record<string, unknown>>;
  /** Default `file` (polled; works for writers on a shared mount too); `fifo` for a named pipe read as bytes arrive. */
  readonly channel?: PipesChannelKind;
  /** Where the session's directory is created; default the OS temp dir (a shared mount for remote writers). */
  readonly dir?: string;
}

export interface PipesMaterialization {
  readonly assetKey: AssetKey;
  readonly metadata: Metadata;
  readonly dataVersion?: string;
}

export interface PipesCheckReport {
  readonly assetKey: AssetKey;
  readonly checkName: string;
  readonly passed: boolean;
  readonly severity: Severity;
  readonly description?: string;
  readonly metadata: Metadata;
}

/** Everything the process reported, once its channel is drained. */
export interface PipesReport {
  readonly materializations: readonly PipesMaterialization[];
  readonly checks: readonly PipesCheckReport[];
  /** Whether the process sent `closed`; with the error it reported when it closed on an exception. */
  readonly closed: boolean;
  readonly closedError?: { readonly name?: string; readonly message: string; readonly stack?: string };
  /** Channel lines refused (each was logged as a warning naming the line). */
  readonly refusedLines: number;
}

/** One Pipes exchange: the context file and message channel of one process run. Close it once the process exited. */
export interface PipesSession {
  /** The two variables the process needs; pass them in its environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly contextPath: string;
  readonly messagesPath: string;
  readonly assetKeys: readonly AssetKey[];
  /** `asset "a/b"` (or the assets, or the step), for messages. */
  readonly subject: string;
  close(): Promise<PipesReport>;
}

const EXCERPT = 200;

export async function createPipesSession(context: PipesStepContext, options: PipesSessionOptions = {}): Promise<PipesSession> {
  const assetKeys = stepAssetKeys(context, options.assetKeys);
  const subject = pipesSubject(context, assetKeys);
  let dir: string;
  try {
    dir = mkdtempSync(join(options.dir ?? tmpdir(), "orch-pipes-"));
  } catch (cause) {
    throw new OrchError(PipesErrorCode.PIPES_SETUP_FAILED, `${subject}: could not create the Pipes directory under ${options.dir ?? tmpdir()}: ${(cause as Error).message}`, { cause });
  }
  const contextPath = join(dir, "context.json");
  const messagesPath = join(dir, "messages.jsonl");
  writeFileSync(contextPath, JSON.stringify(pipesContextData(context, assetKeys, options.extras ?? {})), { mode: 0o600 });

  const known = new Map(assetKeys.map((k) => [assetKeyToString(k), k]));
  const materializations = new Map<string, PipesMaterialization>();
  const checks: PipesCheckReport[] = [];
  let closed = false;
  let closedError: PipesReport["closedError"];
  let refusedLines = 0;

  const refuse = (lineNumber: number, line: string, reason: string): void => {
    refusedLines++;
    const excerpt = line.length > EXCERPT ? `${line.slice(0, EXCERPT)}…` : line;
    context.log.warn(`Pipes message on line ${lineNumber} refused: ${reason}. The line: ${excerpt}`, { "pipes/line": lineNumber });
  };
  const resolveKey = (named: string | undefined): AssetKey | string => {
    if (named === undefined) {
      if (assetKeys.length === 1) return assetKeys[0]!;
      return assetKeys.length === 0 ? "it names no assetKey and the step computes no asset" : `it names no assetKey and the step computes several (${[...known.keys()].join(", ")})`;
    }
    return known.get(named) ?? `asset "${named}" is not computed by this step (${[...known.keys()].join(", ") || "no assets"})`;
  };
  const apply = (message: PipesMessage, lineNumber: number, line: string): void => {
    switch (message.method) {
      case "log":
        context.log[message.params.level](message.params.message, message.params.metadata ? normalizeMetadata(message.params.metadata) : undefined);
        return;
      case "reportMaterialization": {
        const key = resolveKey(message.params.assetKey);
        if (typeof key === "string") return refuse(lineNumber, line, key);
        const id = assetKeyToString(key);
        if (materializations.has(id)) context.log.warn(`Pipes: asset "${id}" was reported materialized twice (line ${lineNumber}); the last report counts.`);
        materializations.set(id, {
          assetKey: key,
          metadata: normalizeMetadata(message.params.metadata),
          ...(message.params.dataVersion !== undefined ? { dataVersion: message.params.dataVersion } : {}),
        });
        return;
      }
      case "reportAssetCheck": {
        const key = resolveKey(message.params.assetKey);
        if (typeof key === "string") return refuse(lineNumber, line, key);
        const p = message.params;
        checks.push({ assetKey: key, checkName: p.checkName, passed: p.passed, severity: p.severity ?? "error", ...(p.description !== undefined ? { description: p.description } : {}), metadata: normalizeMetadata(p.metadata) });
        return;
      }
      case "closed":
        closed = true;
        closedError = message.params.error;
        return;
    }
  };
  let channel: PipesChannel;
  try {
    channel = await openChannel(options.channel ?? "file", messagesPath, (line, lineNumber) => {
      const parsed = parsePipesLine(line);
      if (parsed.ok) apply(parsed.message, lineNumber, line);
      else refuse(lineNumber, line, parsed.reason);
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new OrchError(PipesErrorCode.PIPES_SETUP_FAILED, `${subject}: ${(error as Error).message.replace(/^\[orch\] /, "")}`, { cause: error });
  }

  return {
    env: { [PIPES_CONTEXT_ENV]: contextPath, [PIPES_MESSAGES_ENV]: messagesPath },
    contextPath,
    messagesPath,
    assetKeys,
    subject,
    async close() {
      await channel.close();
      rmSync(dir, { recursive: true, force: true });
      return { materializations: [...materializations.values()], checks, closed, ...(closedError ? { closedError } : {}), refusedLines };
    },
  };
}
