import { useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api.ts";
import { GraphCanvas, STATUS_COLOR, STATUS_LABEL } from "../graph/graph-canvas.tsx";
import type { LayoutInput, LayoutResult } from "../graph/layout.ts";
import { assetHref, navigate, runHref } from "../router.ts";
import { useApi } from "../use-api.ts";
import { ErrorBox } from "../widgets.tsx";

interface GraphNode {
  id: string;
  group: string;
  kinds: string[];
  status: string;
  partitioned: boolean;
  selected?: boolean;
  /** Names of the checks failing (error) / warning on the latest materialization. */
  checks?: { failing: string[]; warning: string[] };
}

const LEGEND = ["fresh", "stale", "never", "running", "failed", "check_failed", "check_warned"] as const;
interface GraphResponse {
  nodes: GraphNode[];
  edges: [string, string][];
  groups: { name: string; count: number }[];
  selectedCount?: number;
}

declare global {
  interface Window {
    /** For tests and benchmarks: whether the layout arrived, frame times, and the layout itself (graph coordinates). */
    __orchGraph?: { ready: boolean; nodes: number; frames: number[]; layout?: LayoutResult };
  }
}

let layoutRequests = 0;
const worker = () => new Worker(new URL("../graph/layout.worker.ts", import.meta.url), { type: "module" });

/** The asset graph: laid out in a worker, drawn on a canvas, filtered with the CLI's selection syntax. */
export function GraphPage(props: { query: URLSearchParams }) {
  const select = props.query.get("select") ?? "";
  const [draft, setDraft] = useState(select);
  const graph = useApi<GraphResponse>(`/graph${select ? `?select=${encodeURIComponent(select)}` : ""}`);
  const [collapsed, setCollapsed] = useState<string[]>([]);
  const [result, setResult] = useState<LayoutResult>();
  const [picked, setPicked] = useState<string>();
  const [launchError, setLaunchError] = useState<Error>();
  const layoutWorker = useRef<Worker>(undefined);
  const data = graph.data;

  useEffect(() => {
    layoutWorker.current = worker();
    return () => layoutWorker.current?.terminate();
  }, []);
  useEffect(() => {
    if (!data) return;
    window.__orchGraph = { ready: false, nodes: data.nodes.length, frames: [] };
    const id = ++layoutRequests;
    const input: LayoutInput = { nodes: data.nodes.map((n) => ({ id: n.id, group: n.group })), edges: data.edges, collapsed };
    const w = layoutWorker.current!;
    const onMessage = (e: MessageEvent<{ id: number; result: LayoutResult }>) => e.data.id === id && setResult(e.data.result);
    w.addEventListener("message", onMessage);
    w.postMessage({ id, input });
    return () => w.removeEventListener("message", onMessage);
  }, [data, collapsed]);

  const byId = useMemo(() => new Map((data?.nodes ?? []).map((n) => [n.id, n])), [data]);
  useEffect(() => {
    if (result && window.__orchGraph) Object.assign(window.__orchGraph, { ready: true, layout: result });
  }, [result]);
  const node = picked ? byId.get(picked) : undefined;

  const materialize = async () => {
    setLaunchError(undefined);
    try {
      const { runId } = await api<{ runId: string }>("/launch", select ? { selection: select } : {});
      navigate(runHref(runId));
    } catch (error) {
      setLaunchError(error as Error);
    }
  };

  return (
    <div className="graph-page">
      <div className="toolbar">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            navigate(`#/graph${draft ? `?select=${encodeURIComponent(draft)}` : ""}`);
          }}
        >
          <input className="selection" data-testid="selection-input" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder='selection, e.g. +staging/cleaned_events or group:marts' />
          <button type="submit">Filter</button>
        </form>
        <button data-testid="materialize-selection" onClick={materialize} disabled={!data}>
          Materialize {select ? `selection (${data?.selectedCount ?? "…"})` : "all"}
        </button>
        <span className="muted" data-testid="graph-status">
          {data ? `${data.nodes.length} assets${data.selectedCount !== undefined ? `, ${data.selectedCount} selected` : ""}` : "loading…"}
          {data && !result ? " · laying out…" : ""}
        </span>
      </div>
      {graph.error && <ErrorBox error={graph.error} testId="selection-error" />}
      {launchError && <ErrorBox error={launchError} />}
      <div className="graph-body">
        <aside className="groups">
          <h3>Groups</h3>
          {data?.groups.map((g) => (
            <label key={g.name}>
              <input type="checkbox" checked={!collapsed.includes(g.name)} onChange={(e) => setCollapsed((c) => (e.target.checked ? c.filter((x) => x !== g.name) : [...c, g.name]))} /> {g.name} ({g.count})
            </label>
          ))}
          <p className="muted">Unchecked groups are drawn as one node.</p>
          <Legend nodes={data?.nodes} />
        </aside>
        {result && (
          <GraphCanvas
            layout={result}
            selected={picked}
            style={(id) => {
              const n = byId.get(id);
              return { status: n?.status ?? "never", kinds: n?.kinds ?? [], dim: n?.selected === false };
            }}
            onSelect={(id) => (id.startsWith("group:") ? setCollapsed((c) => c.filter((g) => `group:${g}` !== id)) : setPicked(id))}
            onFrame={(ms) => window.__orchGraph?.frames.push(ms)}
          />
        )}
        {node && (
          <aside className="sidebar" data-testid="graph-sidebar">
            <h3>{node.id}</h3>
            <p>group {node.group}</p>
            <p>status <span className={`status status-${node.status}`} data-testid="sidebar-status">{STATUS_LABEL[node.status] ?? node.status}</span></p>
            {node.checks?.failing.length ? <p data-testid="sidebar-failing-checks">failing checks: {node.checks.failing.join(", ")}</p> : null}
            {node.checks?.warning.length ? <p data-testid="sidebar-warning-checks">warning checks: {node.checks.warning.join(", ")}</p> : null}
            {node.kinds.length > 0 && <p>kinds {node.kinds.join(", ")}</p>}
            {node.partitioned && <p>partitioned</p>}
            <a href={assetHref(node.id)}>Open asset</a>
          </aside>
        )}
      </div>
    </div>
  );
}

/** What each node colour means, with how many assets have each status. */
function Legend(props: { nodes: GraphNode[] | undefined }) {
  const counts = useMemo(() => {
    const out = new Map<string, number>();
    for (const n of props.nodes ?? []) out.set(n.status, (out.get(n.status) ?? 0) + 1);
    return out;
  }, [props.nodes]);
  return (
    <div className="legend" data-testid="graph-legend">
      <h3>Status</h3>
      {LEGEND.map((status) => (
        <div key={status} data-testid={`legend-${status}`}>
          <span className="legend-swatch" style={{ background: STATUS_COLOR[status] }} /> {STATUS_LABEL[status] ?? status} ({counts.get(status) ?? 0})
        </div>
      ))}
    </div>
  );
}
