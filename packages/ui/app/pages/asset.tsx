import { formatTime } from "../api.ts";
import { assetHref, runHref } from "../router.ts";
import { useApi } from "../use-api.ts";
import { ErrorBox, Table } from "../widgets.tsx";
import { STATUS_LABEL } from "../graph/graph-canvas.tsx";
import { CheckCounts } from "./check-counts.tsx";
import { PartitionGrid, type PartitionRange } from "./partition-grid.tsx";

interface AssetResponse {
  asset: {
    id: string;
    group: string;
    kinds: string[];
    owners: string[];
    description?: string;
    codeVersion?: string;
    ioManagerKey: string;
    upstream: string[];
    downstream: string[];
    status: string;
    partitions?: { description: string; total: number; materialized: number; failed: number; missing: number; ranges: PartitionRange[] };
    checks?: { passed: number; failed: number; warned: number; failing: string[]; warning: string[] };
  };
  materializations: { id: number; runId: string; timestamp: number; partition?: string; metadata: Record<string, unknown> }[];
  checks: { id: number; runId: string; timestamp: number; checkName?: string; passed?: boolean; severity?: string }[];
}

/** One asset: its definition, neighbours, partition counts and grid, materialization history and numeric metadata over time. */
export function AssetPage(props: { id: string }) {
  const { data, error } = useApi<AssetResponse>(`/asset?key=${encodeURIComponent(props.id)}`);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <p className="page">loading…</p>;
  const a = data.asset;
  const numeric = numericSeries(data.materializations);
  return (
    <div className="page" data-testid="asset-page">
      <h2>{a.id} <span className={`status status-${a.status}`}>{STATUS_LABEL[a.status] ?? a.status}</span></h2>
      {a.description && <p>{a.description}</p>}
      <Table
        head={["", ""]}
        rows={[
          ["group", a.group],
          ["kinds", a.kinds.join(", ") || "-"],
          ["owners", a.owners.join(", ") || "-"],
          ["code version", a.codeVersion ?? "-"],
          ["IO manager", a.ioManagerKey],
          ["upstream", a.upstream.map((u) => <a key={u} href={assetHref(u)}>{u} </a>)],
          ["downstream", a.downstream.map((u) => <a key={u} href={assetHref(u)}>{u} </a>)],
          ["partitions", a.partitions ? <span data-testid="asset-partition-counts">{`${a.partitions.description}: ${a.partitions.materialized}/${a.partitions.total} materialized, ${a.partitions.failed} failed, ${a.partitions.missing} missing`}</span> : "-"],
          ["latest checks", a.checks ? <CheckCounts checks={a.checks} /> : "-"],
        ]}
      />
      {a.partitions && <PartitionGrid ranges={a.partitions.ranges} total={a.partitions.total} />}
      <p>
        <a href={`#/launchpad?selection=${encodeURIComponent(a.id)}`}>Materialize…</a>
      </p>
      {numeric.map(([name, points]) => (
        <figure key={name}>
          <figcaption>{name}</figcaption>
          <Sparkline points={points} />
        </figure>
      ))}
      <h3>Materializations</h3>
      <Table
        head={["time", "run", "partition", "metadata"]}
        rows={data.materializations.map((m) => [formatTime(m.timestamp), <a href={runHref(m.runId)}>{m.runId.slice(0, 8)}</a>, m.partition ?? "-", <code>{JSON.stringify(m.metadata)}</code>])}
      />
      <h3>Checks</h3>
      <Table head={["time", "run", "check"]} rows={data.checks.map((c) => [formatTime(c.timestamp), <a href={runHref(c.runId)}>{c.runId.slice(0, 8)}</a>, <code>{JSON.stringify(c)}</code>])} />
    </div>
  );
}

/** Numeric metadata entries (`rows: 12` or `{ type, value: 12 }`) as series, oldest first. */
function numericSeries(events: AssetResponse["materializations"]): [string, number[]][] {
  const series = new Map<string, number[]>();
  for (const e of [...events].reverse()) {
    for (const [k, v] of Object.entries(e.metadata ?? {})) {
      const n = typeof v === "number" ? v : typeof v === "object" && v !== null && typeof (v as { value?: unknown }).value === "number" ? (v as { value: number }).value : undefined;
      if (n !== undefined) series.set(k, [...(series.get(k) ?? []), n]);
    }
  }
  return [...series].filter(([, p]) => p.length > 1);
}

function Sparkline(props: { points: number[] }) {
  const max = Math.max(...props.points);
  const min = Math.min(...props.points);
  const d = props.points.map((p, i) => `${(i / (props.points.length - 1)) * 300},${60 - ((p - min) / (max - min || 1)) * 55}`).join(" ");
  return (
    <svg width="300" height="64" className="sparkline">
      <polyline points={d} fill="none" stroke="#1a73e8" strokeWidth="2" />
    </svg>
  );
}
