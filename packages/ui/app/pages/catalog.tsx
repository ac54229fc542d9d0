import { useMemo, useState } from "react";
import { formatTime } from "../api.ts";
import { assetHref } from "../router.ts";
import { useApi } from "../use-api.ts";
import { VirtualList } from "../virtual-list.tsx";
import { ErrorBox } from "../widgets.tsx";
import { STATUS_LABEL } from "../graph/graph-canvas.tsx";
import { CheckCounts, type CheckSummary } from "./check-counts.tsx";

interface CatalogAsset {
  id: string;
  group: string;
  kinds: string[];
  owners: string[];
  description?: string;
  status: string;
  lastMaterializedAt?: number;
  partitions?: { total: number; materialized: number; failed: number; missing: number };
  checks?: CheckSummary;
}
type SortKey = "id" | "group" | "lastMaterializedAt" | "status" | "checks" | "failedPartitions";

/** Worst first: most failed checks, then most warned; then most failed partitions. Ties keep key order. */
const byNumber: Partial<Record<SortKey, (a: CatalogAsset) => number>> = {
  lastMaterializedAt: (a) => a.lastMaterializedAt ?? 0,
  checks: (a) => (a.checks ? a.checks.failed * 1e6 + a.checks.warned : -1),
  failedPartitions: (a) => a.partitions?.failed ?? -1,
};

function matches(a: CatalogAsset, f: string): boolean {
  return (
    a.id.toLowerCase().includes(f) ||
    a.group.toLowerCase().includes(f) ||
    a.status.includes(f) ||
    a.kinds.some((k) => k.includes(f)) ||
    a.owners.some((o) => o.toLowerCase().includes(f)) ||
    (a.checks !== undefined && [...a.checks.failing, ...a.checks.warning].some((c) => c.toLowerCase().includes(f)))
  );
}

/** Every asset, filtered and sorted in the browser, drawn as a virtualized list. */
export function CatalogPage() {
  const { data, error } = useApi<{ assets: CatalogAsset[] }>("/assets");
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<SortKey>("id");
  const rows = useMemo(() => {
    const f = filter.toLowerCase();
    const list = (data?.assets ?? []).filter((a) => !f || matches(a, f));
    const numeric = byNumber[sort];
    return list.sort(numeric ? (a, b) => numeric(b) - numeric(a) || a.id.localeCompare(b.id) : (a, b) => String(a[sort as "id"]).localeCompare(String(b[sort as "id"])));
  }, [data, filter, sort]);
  if (error) return <ErrorBox error={error} />;
  return (
    <div className="page">
      <div className="toolbar">
        <input data-testid="catalog-filter" placeholder="filter by key, group, kind, owner, status, failing check" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <label>
          sort{" "}
          <select data-testid="catalog-sort" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="id">key</option>
            <option value="group">group</option>
            <option value="status">status</option>
            <option value="lastMaterializedAt">last materialized</option>
            <option value="checks">failed checks</option>
            <option value="failedPartitions">failed partitions</option>
          </select>
        </label>
        <span className="muted" data-testid="catalog-count">{data ? `${rows.length} of ${data.assets.length} assets` : "loading…"}</span>
      </div>
      <div className="catalog-row head">
        <span>asset</span><span>group</span><span>kinds</span><span>status</span><span>last materialized</span><span>checks</span><span>partitions</span>
      </div>
      <VirtualList
        testId="catalog-list"
        items={rows}
        rowHeight={32}
        height="calc(100vh - 160px)"
        row={(a) => (
          <div className="catalog-row" title={a.description}>
            <a href={assetHref(a.id)}>{a.id}</a>
            <span>{a.group}</span>
            <span>{a.kinds.join(", ")}</span>
            <span className={`status status-${a.status}`}>{STATUS_LABEL[a.status] ?? a.status}</span>
            <span>{formatTime(a.lastMaterializedAt)}</span>
            <span>{a.checks ? <CheckCounts checks={a.checks} /> : "-"}</span>
            <span data-testid="catalog-partitions">{a.partitions ? `${a.partitions.materialized}/${a.partitions.total} materialized, ${a.partitions.failed} failed, ${a.partitions.missing} missing` : "-"}</span>
          </div>
        )}
      />
    </div>
  );
}
