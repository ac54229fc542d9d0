import { useState } from "react";
import { api, formatTime } from "../api.ts";
import { runHref } from "../router.ts";
import { useApi, useAttempt } from "../use-api.ts";
import { ErrorBox, Table } from "../widgets.tsx";
import { TickPreview } from "./tick-preview.tsx";

interface Tick {
  id: number;
  timestamp: number;
  status: string;
  runIds: string[];
  skipReason?: string;
  error?: { message: string };
}
interface Instigator {
  name: string;
  kind: "schedule" | "sensor";
  status: string;
  cron?: string;
  nextTickAt?: number;
  cursor?: string;
  lastTick: Tick | null;
}

/** Schedules and sensors with start/stop, tick previews, sensor cursors and tick history; backfills with their progress and cancel. */
export function AutomationPage() {
  const automation = useApi<{ schedules: Instigator[]; sensors: Instigator[] }>("/automation");
  const backfills = useApi<{ backfills: { backfillId: string; status: string; unitCount: number; counts: Record<string, number>; createdAt: number }[] }>("/backfills");
  const [open, setOpen] = useState<Instigator>();
  const { error, attempt } = useAttempt();
  const act = (path: string, reload: () => void) =>
    attempt(async () => {
      await api(path, {});
      reload();
    });
  const rows = [...(automation.data?.schedules ?? []), ...(automation.data?.sensors ?? [])];
  return (
    <div className="page">
      <h2>Schedules and sensors</h2>
      {error && <ErrorBox error={error} />}
      <Table
        testId="automation-table"
        head={["name", "kind", "status", "cron / cursor", "next tick", "last tick", ""]}
        rows={rows.map((i) => [
          <a href="#/automation" data-testid={`open-${i.name}`} onClick={() => setOpen(i)}>{i.name}</a>,
          i.kind,
          <span className={`status status-${i.status}`} data-testid={`instigator-status-${i.name}`}>{i.status}</span>,
          i.cron ?? i.cursor ?? "-",
          formatTime(i.nextTickAt),
          i.lastTick ? `${i.lastTick.status} ${formatTime(i.lastTick.timestamp)}` : "-",
          <button data-testid={`toggle-${i.name}`} onClick={() => act(`/automation/${i.kind}/${encodeURIComponent(i.name)}/${i.status === "running" ? "stop" : "start"}`, automation.reload)}>
            {i.status === "running" ? "Stop" : "Start"}
          </button>,
        ])}
      />
      {open && <TickPreview key={`${open.kind}/${open.name}`} kind={open.kind} name={open.name} {...(open.cursor !== undefined ? { cursor: open.cursor } : {})} onCursorSaved={automation.reload} />}
      {open && <Ticks instigator={open} />}
      <h2>Backfills</h2>
      <Table
        head={["backfill", "status", "units", "progress", "created", ""]}
        rows={(backfills.data?.backfills ?? []).map((b) => [
          b.backfillId.slice(0, 8),
          b.status,
          b.unitCount,
          Object.entries(b.counts).map(([k, v]) => `${k} ${v}`).join(", "),
          formatTime(b.createdAt),
          b.status === "REQUESTED" ? <button onClick={() => act(`/backfills/${b.backfillId}/cancel`, backfills.reload)}>Cancel</button> : "",
        ])}
      />
    </div>
  );
}

function Ticks(props: { instigator: Instigator }) {
  const { data } = useApi<{ ticks: Tick[] }>(`/automation/${props.instigator.kind}/${encodeURIComponent(props.instigator.name)}/ticks`);
  return (
    <>
      <h3>Ticks of {props.instigator.name}</h3>
      <Table
        head={["time", "status", "runs", "skip reason / error"]}
        rows={(data?.ticks ?? []).map((t) => [formatTime(t.timestamp), t.status, t.runIds.map((r) => <a key={r} href={runHref(r)}>{r.slice(0, 8)} </a>), t.skipReason ?? t.error?.message ?? ""])}
      />
    </>
  );
}
