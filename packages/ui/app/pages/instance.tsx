import { formatTime } from "../api.ts";
import { useApi } from "../use-api.ts";
import { ErrorBox, Table } from "../widgets.tsx";

interface InstanceResponse {
  version: string;
  storage: string;
  readOnly: boolean;
  info: Record<string, string>;
  daemon: { daemonId: string; pid: number; host: string; startedAt: number; heartbeatAt: number } | null;
  heartbeats: { loop: string; at: number; error?: string }[];
  plugins: { name: string; version?: string }[];
  resources: { key: string; config: unknown }[];
}

/** The daemon and its loops' heartbeats, storage, plugins and resources (config as written: env refs, not values). */
export function InstancePage() {
  const { data, error } = useApi<InstanceResponse>("/instance");
  if (error) return <ErrorBox error={error} />;
  if (!data) return <p className="page">loading…</p>;
  return (
    <div className="page" data-testid="instance-page">
      <h2>Instance</h2>
      <Table head={["", ""]} rows={[["orch", data.version], ["storage", data.storage], ["read-only", String(data.readOnly)], ...Object.entries(data.info)]} />
      <h3>Daemon</h3>
      {data.daemon ? <p>pid {data.daemon.pid} on {data.daemon.host}, started {formatTime(data.daemon.startedAt)}, last heartbeat {formatTime(data.daemon.heartbeatAt)}</p> : <p className="muted">No daemon holds this instance (start one with orch dev or orch daemon).</p>}
      <Table head={["loop", "last heartbeat", "error"]} rows={data.heartbeats.map((h) => [h.loop, formatTime(h.at), h.error ?? ""])} />
      <h3>Plugins</h3>
      <Table head={["plugin", "version"]} rows={data.plugins.map((p) => [p.name, p.version ?? "-"])} />
      <h3>Resources</h3>
      <Table head={["resource", "config"]} rows={data.resources.map((r) => [r.key, <code>{JSON.stringify(r.config)}</code>])} />
    </div>
  );
}
