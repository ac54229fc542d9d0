import { useState } from "react";
import { formatDuration, formatTime } from "../api.ts";
import { navigate, runHref } from "../router.ts";
import { useApi } from "../use-api.ts";
import { ErrorBox, Status, Table } from "../widgets.tsx";

export interface RunRecord {
  runId: string;
  status: string;
  statusReason?: string;
  jobName?: string;
  selection?: string;
  assetKeys: string[];
  stepKeys: string[];
  partitionKey?: string;
  partitionRange?: { start: string; end: string };
  tags: Record<string, string>;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  parentRunId?: string;
}

const FILTERS = ["status", "tag", "asset", "job"] as const;

/** Runs, newest first, filtered by status, tag, asset or job (the filters live in the URL). */
export function RunsPage(props: { query: URLSearchParams }) {
  const [draft, setDraft] = useState(() => Object.fromEntries(FILTERS.map((f) => [f, props.query.get(f) ?? ""])));
  const q = new URLSearchParams(FILTERS.flatMap((f) => (props.query.get(f) ? [[f, props.query.get(f)!]] : [])));
  const { data, error } = useApi<{ runs: RunRecord[] }>(`/runs?${q}`);
  return (
    <div className="page">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`#/runs?${new URLSearchParams(Object.entries(draft).filter(([, v]) => v))}`);
        }}
      >
        {FILTERS.map((f) => (
          <input key={f} placeholder={f === "tag" ? "tag key=value" : f} value={draft[f]} onChange={(e) => setDraft({ ...draft, [f]: e.target.value })} data-testid={`runs-filter-${f}`} />
        ))}
        <button type="submit">Filter</button>
      </form>
      {error && <ErrorBox error={error} />}
      <Table
        testId="runs-table"
        head={["run", "status", "target", "partition", "created", "duration", "parent"]}
        rows={(data?.runs ?? []).map((r) => [
          <a href={runHref(r.runId)}>{r.runId.slice(0, 8)}</a>,
          <Status status={r.status} />,
          r.jobName ?? r.selection ?? `${r.assetKeys.length} assets`,
          r.partitionKey ?? (r.partitionRange ? `${r.partitionRange.start}..${r.partitionRange.end}` : "-"),
          formatTime(r.createdAt),
          r.startedAt && r.endedAt ? formatDuration(r.endedAt - r.startedAt) : "-",
          r.parentRunId ? <a href={runHref(r.parentRunId)}>{r.parentRunId.slice(0, 8)}</a> : "-",
        ])}
      />
    </div>
  );
}
