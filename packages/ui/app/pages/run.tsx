import { useEffect, useRef, useState } from "react";
import { api, formatDuration, formatTime, streamUrl } from "../api.ts";
import { navigate, runHref } from "../router.ts";
import { useApi } from "../use-api.ts";
import { VirtualList } from "../virtual-list.tsx";
import { ErrorBox, Status } from "../widgets.tsx";
import type { RunRecord } from "./runs.tsx";

interface StepSpan {
  stepKey: string;
  status: string;
  startedAt?: number;
  endedAt?: number;
}
interface StoredEvent {
  id: number;
  type: string;
  timestamp: number;
  stepKey?: string;
  level?: string;
  message?: string;
  error?: SerializedError;
  [key: string]: unknown;
}
interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: SerializedError;
}

const PAGE = 500;
const LEVELS = ["debug", "info", "warn", "error"];
const FINISHED = new Set(["SUCCESS", "FAILURE", "CANCELED"]);

/**
 * A run: its steps as a timeline, its event log (paged by cursor as you scroll, virtualized), errors with stacks,
 * and live updates over SSE once the loaded log reaches the end; an EventSource reconnect resumes after the last id.
 */
export function RunPage(props: { runId: string }) {
  const detail = useApi<{ run: RunRecord; steps: StepSpan[]; failures: StoredEvent[]; retriedAs?: string }>(`/runs/${props.runId}`);
  const instance = useApi<{ readOnly: boolean }>("/instance");
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [events, setEvents] = useState<StoredEvent[]>([]);
  const [cursor, setCursor] = useState<number | undefined>(0);
  const [status, setStatus] = useState<string>();
  const [actionError, setActionError] = useState<Error>();
  const [stepFilter, setStepFilter] = useState("");
  const [levelFilter, setLevelFilter] = useState("");
  const [live, setLive] = useState<number>();
  const loading = useRef(false);
  const reload = detail.reload;

  const loadMore = async () => {
    if (cursor === undefined || loading.current) return;
    loading.current = true;
    try {
      const page = await api<{ events: StoredEvent[]; nextCursor?: number }>(`/runs/${props.runId}/events?after=${cursor}&limit=${PAGE}`);
      setEvents((e) => [...e, ...page.events]);
      setCursor(page.nextCursor);
      if (page.nextCursor === undefined) setLive(page.events.at(-1)?.id ?? cursor);
    } finally {
      loading.current = false;
    }
  };
  useEffect(() => {
    setEvents([]);
    setCursor(0);
    setLive(undefined);
    setStatus(undefined);
    setPicked(new Set());
  }, [props.runId]);
  useEffect(() => {
    if (cursor === 0 && events.length === 0) void loadMore();
  }, [cursor, events.length]);
  useEffect(() => {
    if (live === undefined) return;
    const source = new EventSource(streamUrl(`/runs/${props.runId}/stream`, live));
    source.addEventListener("event", (m) => {
      const event = JSON.parse((m as MessageEvent).data) as StoredEvent;
      setEvents((e) => (e.length && e[e.length - 1]!.id >= event.id ? e : [...e, event]));
      if (event.type.startsWith("STEP_") || event.type.startsWith("RUN_")) reload();
    });
    source.addEventListener("status", (m) => setStatus(JSON.parse((m as MessageEvent).data).status));
    source.addEventListener("end", (m) => {
      setStatus(JSON.parse((m as MessageEvent).data).status);
      source.close();
      reload();
    });
    return () => source.close();
  }, [live, props.runId, reload]);

  if (detail.error) return <ErrorBox error={detail.error} />;
  if (!detail.data) return <p className="page">loading…</p>;
  const { run, steps } = detail.data;
  const shownStatus = FINISHED.has(run.status) ? run.status : (status ?? run.status);
  const failures = detail.data.failures.filter((e) => e.error);
  // Set by the daemon on a retry of a failed run (runs.retries); a manual re-execution has none.
  const retryNumber = run.tags["orch/retry_number"];
  const shown = events.filter((e) => (!stepFilter || e.stepKey === stepFilter) && (!levelFilter || LEVELS.indexOf(e.level ?? (e.error ? "error" : "info")) >= LEVELS.indexOf(levelFilter)));

  const readOnly = instance.data?.readOnly === true;
  const finished = FINISHED.has(shownStatus);
  const pickedSteps = run.stepKeys.filter((k) => picked.has(k));
  const toggle = (stepKey: string) =>
    setPicked((now) => {
      const next = new Set(now);
      if (!next.delete(stepKey)) next.add(stepKey);
      return next;
    });

  const act = async (path: string, body: unknown) => {
    setActionError(undefined);
    try {
      const result = await api<{ runId: string }>(path, body);
      if (path.endsWith("/reexecute")) navigate(runHref(result.runId));
      else reload();
    } catch (error) {
      setActionError(error as Error);
    }
  };

  return (
    <div className="page" data-testid="run-page">
      <h2>
        Run {run.runId.slice(0, 8)} <Status status={shownStatus} />
      </h2>
      <p className="muted">
        {run.jobName ?? run.selection ?? run.assetKeys.join(", ")}
        {run.partitionKey ? ` · partition ${run.partitionKey}` : ""} · created {formatTime(run.createdAt)}
        {run.parentRunId ? (
          <>
            {" · "}
            {retryNumber ? `retry ${retryNumber} of` : "re-execution of"} <a href={runHref(run.parentRunId)}>{run.parentRunId.slice(0, 8)}</a>
          </>
        ) : null}
        {detail.data.retriedAs ? (
          <>
            {" · "}
            <span data-testid="retried-as">
              retried as <a href={runHref(detail.data.retriedAs)}>{detail.data.retriedAs.slice(0, 8)}</a>
            </span>
          </>
        ) : null}
        {run.statusReason ? ` · ${run.statusReason}` : ""}
      </p>
      <div className="toolbar">
        {!finished && (
          <button disabled={readOnly} onClick={() => act(`/runs/${run.runId}/cancel`, {})}>
            Cancel
          </button>
        )}
        {finished && (
          <button data-testid="reexecute-all" disabled={readOnly} onClick={() => act(`/runs/${run.runId}/reexecute`, {})}>
            Re-execute all
          </button>
        )}
        {shownStatus === "FAILURE" && (
          <button data-testid="reexecute-from-failure" disabled={readOnly} onClick={() => act(`/runs/${run.runId}/reexecute`, { fromFailure: true })}>
            Re-execute from failure
          </button>
        )}
        {finished && (
          <button
            data-testid="reexecute-selected"
            disabled={readOnly || pickedSteps.length === 0}
            title={pickedSteps.length === 0 ? "pick steps in the timeline first" : pickedSteps.join(", ")}
            onClick={() => act(`/runs/${run.runId}/reexecute`, { steps: pickedSteps })}
          >
            Re-execute selected ({pickedSteps.length})
          </button>
        )}
        {finished && !readOnly && <span className="muted">re-executions are queued; the daemon starts them</span>}
        {readOnly && <span className="muted" data-testid="read-only-note">This webserver is read-only (--read-only): cancel and re-execute are disabled.</span>}
      </div>
      {actionError && <ErrorBox error={actionError} testId="action-error" />}
      <Timeline steps={steps} start={run.startedAt ?? run.createdAt} end={run.endedAt ?? Date.now()} {...(finished && !readOnly ? { picked, onToggle: toggle } : {})} />
      {failures.map((e) => (
        <div key={e.id} className="failure" data-testid="run-error">
          <strong>{e.stepKey ?? "run"}</strong>
          <ErrorChain error={e.error!} />
        </div>
      ))}
      <div className="toolbar">
        <select value={stepFilter} onChange={(e) => setStepFilter(e.target.value)}>
          <option value="">every step</option>
          {run.stepKeys.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
        <select value={levelFilter} onChange={(e) => setLevelFilter(e.target.value)}>
          <option value="">every level</option>
          <option value="warn">warnings and errors</option>
          <option value="error">errors</option>
        </select>
        <span className="muted" data-testid="event-count">{events.length} events{cursor !== undefined ? " (scroll for more)" : live !== undefined && !FINISHED.has(shownStatus) ? " · live" : ""}</span>
      </div>
      <VirtualList
        testId="event-log"
        items={shown}
        rowHeight={24}
        height={420}
        onEnd={() => void loadMore()}
        row={(e) => (
          <div className={`event-row level-${e.level ?? "info"}`}>
            <span>{formatTime(e.timestamp).split(", ").at(-1)}</span>
            <span>{e.type}</span>
            <span>{e.stepKey ?? ""}</span>
            <span>{e.message ?? e.error?.message ?? ""}</span>
          </div>
        )}
      />
    </div>
  );
}

function ErrorChain(props: { error: SerializedError }) {
  const e = props.error;
  return (
    <pre className="error">
      {e.name}
      {e.code ? ` [${e.code}]` : ""}: {e.message}
      {e.stack ? `\n${e.stack.split("\n").slice(1).join("\n")}` : ""}
      {e.cause ? <ErrorChain error={e.cause} /> : null}
    </pre>
  );
}

/** The Gantt of the run's steps, scaled to the run's duration; with `onToggle`, each step can be picked for re-execution. */
function Timeline(props: { steps: StepSpan[]; start: number; end: number; picked?: ReadonlySet<string>; onToggle?: (stepKey: string) => void }) {
  const span = Math.max(1, props.end - props.start);
  return (
    <div className="timeline" data-testid="timeline">
      {props.steps.map((s) => {
        const from = s.startedAt ?? props.start;
        const to = s.endedAt ?? (s.startedAt ? props.end : from);
        return (
          <div key={s.stepKey} className="timeline-row">
            <label className="timeline-label" title={s.stepKey}>
              {props.onToggle && <input type="checkbox" data-testid={`pick-step-${s.stepKey}`} checked={props.picked?.has(s.stepKey) ?? false} onChange={() => props.onToggle!(s.stepKey)} />}
              {s.stepKey}
            </label>
            <span className="timeline-track">
              <span className={`timeline-bar step-${s.status}`} style={{ left: `${((from - props.start) / span) * 100}%`, width: `${Math.max(0.5, ((to - from) / span) * 100)}%` }} title={`${s.status} ${formatDuration(s.endedAt && s.startedAt ? s.endedAt - s.startedAt : undefined)}`} />
            </span>
            <span className="muted">{s.status}</span>
          </div>
        );
      })}
    </div>
  );
}
