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
/** Picked from the instance's own: each is a tag the storage indexes (orch/schedule, orch/sensor, orch/backfill). */
const PICKED = ["schedule", "sensor", "backfill"] as const;

interface RunFilters {
  schedules: string[];
  sensors: string[];
  backfills: { backfillId: string; status: string; createdAt: number; jobName?: string; selection?: string }[];
}

/** The schedule, sensor or backfill that launched a run (a retry inherits its failed run's tags). */
function instigator(tags: Record<string, string>): string | undefined {
  if (tags["orch/schedule"]) return `schedule ${tags["orch/schedule"]}`;
  if (tags["orch/sensor"]) return `sensor ${tags["orch/sensor"]}`;
  if (tags["orch/backfill"]) return `backfill ${tags["orch/backfill"].slice(0, 8)}`;
  return undefined;
}

function launchedBy(tags: Record<string, string>): string {
  const origin = instigator(tags);
  const retry = tags["orch/retry_number"];
  if (retry) return origin ? `retry ${retry} · ${origin}` : `retry ${retry}`;
  return origin ?? (tags["orch/parent-run-id"] ? "re-execution" : "-");
}

/** Runs, newest first, filtered by status, tag, asset, job, schedule, sensor or backfill (the filters live in the URL). */
export function RunsPage(props: { query: URLSearchParams }) {
  const [draft, setDraft] = useState(() => Object.fromEntries(FILTERS.map((f) => [f, props.query.get(f) ?? ""])));
  const q = new URLSearchParams([...FILTERS, ...PICKED].flatMap((f) => (props.query.get(f) ? [[f, props.query.get(f)!]] : [])));
  const { data, error } = useApi<{ runs: RunRecord[] }>(`/runs?${q}`);
  const options = useApi<RunFilters>("/run-filters");
  const choices: Record<(typeof PICKED)[number], { value: string; label: string }[]> = {
    schedule: (options.data?.schedules ?? []).map((name) => ({ value: name, label: name })),
    sensor: (options.data?.sensors ?? []).map((name) => ({ value: name, label: name })),
    backfill: (options.data?.backfills ?? []).map((b) => ({ value: b.backfillId, label: `${b.backfillId.slice(0, 8)} · ${b.jobName ?? b.selection ?? "every asset"} · ${formatTime(b.createdAt)}` })),
  };
  /** A dropdown applies at once, keeping the other filters of the URL. */
  const pick = (filter: string, value: string) => {
    const next = new URLSearchParams(q);
    if (value) next.set(filter, value);
    else next.delete(filter);
    navigate(`#/runs?${next}`);
  };
  return (
    <div className="page">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          const next = new URLSearchParams(Object.entries(draft).filter(([, v]) => v));
          for (const f of PICKED) if (props.query.get(f)) next.set(f, props.query.get(f)!);
          navigate(`#/runs?${next}`);
        }}
      >
        {FILTERS.map((f) => (
          <input key={f} placeholder={f === "tag" ? "tag key=value" : f} value={draft[f]} onChange={(e) => setDraft({ ...draft, [f]: e.target.value })} data-testid={`runs-filter-${f}`} />
        ))}
        {PICKED.map((f) => (
          <select key={f} value={props.query.get(f) ?? ""} onChange={(e) => pick(f, e.target.value)} data-testid={`runs-filter-${f}`} aria-label={`${f} filter`}>
            <option value="">every {f}</option>
            {choices[f].map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        ))}
        <button type="submit">Filter</button>
      </form>
      {error && <ErrorBox error={error} />}
      <Table
        testId="runs-table"
        head={["run", "status", "target", "partition", "launched by", "created", "duration", "parent"]}
        rows={(data?.runs ?? []).map((r) => [
          <a href={runHref(r.runId)}>{r.runId.slice(0, 8)}</a>,
          <Status status={r.status} />,
          r.jobName ?? r.selection ?? `${r.assetKeys.length} assets`,
          r.partitionKey ?? (r.partitionRange ? `${r.partitionRange.start}..${r.partitionRange.end}` : "-"),
          launchedBy(r.tags),
          formatTime(r.createdAt),
          r.startedAt && r.endedAt ? formatDuration(r.endedAt - r.startedAt) : "-",
          r.parentRunId ? <a href={runHref(r.parentRunId)}>{r.parentRunId.slice(0, 8)}</a> : "-",
        ])}
      />
    </div>
  );
}
