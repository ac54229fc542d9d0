/** Typed events from dbt's structured logs (`--log-format json`): one JSON object per line. */

export interface DbtNodeInfo {
  readonly uniqueId: string;
  readonly resourceType?: string;
  readonly name?: string;
  readonly materialized?: string;
  readonly relationName?: string;
}

interface EventBase {
  /** dbt event name and code, e.g. NodeStart / Q024. */
  readonly name: string;
  readonly code: string;
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly ts?: string;
}

export type DbtEvent =
  | (EventBase & { readonly type: "node_started"; readonly node: DbtNodeInfo })
  | (EventBase & {
      readonly type: "node_finished";
      readonly node: DbtNodeInfo;
      /** dbt's node status: success, error, skipped, pass, fail, warn, ... */
      readonly status: string;
      readonly rowsAffected?: number;
      readonly executionTime?: number;
      readonly startedAt?: string;
      readonly finishedAt?: string;
    })
  | (EventBase & { readonly type: "warning" | "error" | "log"; readonly node?: DbtNodeInfo })
  | { readonly type: "raw"; readonly level: "info"; readonly message: string };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function nodeInfo(data: Json): DbtNodeInfo | undefined {
  const info = obj(data["node_info"]);
  const uniqueId = text(info["unique_id"]);
  if (!uniqueId) return undefined;
  const relation = obj(info["node_relation"]);
  const resourceType = text(info["resource_type"]);
  const name = text(info["node_name"]);
  const materialized = text(info["materialized"]);
  const relationName = text(relation["relation_name"]);
  return {
    uniqueId,
    ...(resourceType ? { resourceType } : {}),
    ...(name ? { name } : {}),
    ...(materialized ? { materialized } : {}),
    ...(relationName ? { relationName } : {}),
  };
}

function levelOf(level: unknown): EventBase["level"] {
  return level === "warn" || level === "warning" ? "warn" : level === "error" ? "error" : level === "debug" ? "debug" : "info";
}

/** One line of dbt output → an event. Lines that are not dbt JSON (tracebacks, adapter prints) become `raw`. */
export function parseDbtLogLine(line: string): DbtEvent | undefined {
  const trimmed = line.trim();
  if (trimmed === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { type: "raw", level: "info", message: trimmed };
  }
  const info = obj(obj(parsed)["info"]);
  const data = obj(obj(parsed)["data"]);
  const name = text(info["name"]);
  if (!name) return { type: "raw", level: "info", message: trimmed };
  const base: EventBase = {
    name,
    code: text(info["code"]) ?? "",
    level: levelOf(info["level"]),
    message: typeof info["msg"] === "string" ? info["msg"] : "",
    ...(text(info["ts"]) ? { ts: text(info["ts"]) as string } : {}),
  };
  const node = nodeInfo(data);
  if (name === "NodeStart" && node) return { ...base, type: "node_started", node };
  if (name === "NodeFinished" && node) {
    const runResult = obj(data["run_result"]);
    const adapter = obj(runResult["adapter_response"]);
    const status = text(runResult["status"]) ?? text(obj(data["node_info"])["node_status"]) ?? "unknown";
    const rows = adapter["rows_affected"];
    const time = runResult["execution_time"];
    const nodeInfoRaw = obj(data["node_info"]);
    return {
      ...base,
      type: "node_finished",
      node,
      status,
      ...(typeof rows === "number" ? { rowsAffected: rows } : {}),
      ...(typeof time === "number" ? { executionTime: time } : {}),
      ...(text(nodeInfoRaw["node_started_at"]) ? { startedAt: text(nodeInfoRaw["node_started_at"]) as string } : {}),
      ...(text(nodeInfoRaw["node_finished_at"]) ? { finishedAt: text(nodeInfoRaw["node_finished_at"]) as string } : {}),
    };
  }
  const type = base.level === "error" ? "error" : base.level === "warn" ? "warning" : "log";
  return { ...base, type, ...(node ? { node } : {}) };
}
