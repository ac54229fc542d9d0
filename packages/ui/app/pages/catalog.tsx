import { useMemo, useState } from "react";
import { formatTime } from "../api.ts";
import { assetHref } from "../router.ts";
import { useApi } from "../use-api.ts";
import { VirtualList } from "../virtual-list.tsx";
import { ErrorBox } from "../widgets.tsx";

interface CatalogAsset {
  id: string;
  group: string;
  kinds: string[];
  owners: string[];
  description?: string;
  status: string;
  lastMaterializedAt?: number;
  partitions?: { total: number; materialized: number; missing: number };
}
type SortKey = "id" | "group" | "lastMaterializedAt" | "status";

/** Every asset, filtered and sorted in the browser, drawn as a virtualized list. */
export function CatalogPage() {
  const { data, error } = useApi<{ assets: CatalogAsset[] }>("/assets");
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<SortKey>("id");
  const rows = useMemo(() => {
    const f = filter.toLowerCase();
    const list = (data?.assets ?? []).filter((a) => !f || a.id.toLowerCase().includes(f) || a.group.toLowerCase().includes(f) || a.kinds.some((k) => k.includes(f)) || a.owners.some((o) => o.toLowerCase().includes(f)));
    return list.sort((a, b) => (sort === "lastMaterializedAt" ? (b.lastMaterializedAt ?? 0) - (a.lastMaterializedAt ?? 0) : String(a[sort]).localeCompare(String(b[sort]))));
  }, [data, filter, sort]);
  if (error) return <ErrorBox error={error} />;
  return (
    <div className="page">
      <div className="toolbar">
        <input data-testid="catalog-filter" placeholder="filter by key, group, kind, owner" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <label>
          sort{" "}
          <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="id">key</option>
            <option value="group">group</option>
            <option value="status">status</option>
            <option value="lastMaterializedAt">last materialized</option>
          </select>
        </label>
        <span className="muted" data-testid="catalog-count">{data ? `${rows.length} of ${data.assets.length} assets` : "loading…"}</span>
      </div>
      <div className="catalog-row head">
        <span>asset</span><span>group</span><span>kinds</span><span>status</span><span>last materialized</span><span>partitions</span>
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
            <span className={`status status-${a.status}`}>{a.status}</span>
            <span>{formatTime(a.lastMaterializedAt)}</span>
            <span>{a.partitions ? `${a.partitions.materialized}/${a.partitions.total} materialized, ${a.partitions.missing} missing` : "-"}</span>
          </div>
        )}
      />
    </div>
  );
}
