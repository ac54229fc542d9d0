import { useState } from "react";
import { api, formatTime } from "../api.ts";
import { useAttempt } from "../use-api.ts";
import { ErrorBox, Table } from "../widgets.tsx";

interface Preview {
  scheduledTime?: number;
  cursorBefore?: string | null;
  cursor?: string;
  skipReason?: string;
  error?: { message: string };
  runRequests: { runKey?: string; target: { selection?: string; job?: string }; partitionKey?: string; tags: Record<string, string> }[];
  logs: { level: string; message: string }[];
}

/**
 * Evaluates one tick on the server without launching or committing anything: a schedule at a chosen time, a
 * sensor from an editable cursor, which can also be saved as the cursor the next real tick starts from.
 */
export function TickPreview(props: { kind: "schedule" | "sensor"; name: string; cursor?: string; onCursorSaved: () => void }) {
  const [at, setAt] = useState("");
  const [cursor, setCursor] = useState(props.cursor ?? "");
  const [preview, setPreview] = useState<Preview>();
  const [saved, setSaved] = useState<string>();
  const base = `/automation/${props.kind}/${encodeURIComponent(props.name)}`;

  const { error, attempt: attemptAction } = useAttempt();
  const attempt = (action: () => Promise<void>) => {
    setSaved(undefined);
    return attemptAction(action);
  };
  const run = () =>
    attempt(async () => {
      // datetime-local has no zone: `new Date` reads it as local time, the server gets an ISO instant.
      const q = props.kind === "schedule" ? (at ? `?at=${encodeURIComponent(new Date(at).toISOString())}` : "") : `?cursor=${encodeURIComponent(cursor)}`;
      setPreview(await api<Preview>(`${base}/preview${q}`));
    });
  const saveCursor = (value: string | null) =>
    attempt(async () => {
      await api(`${base}/cursor`, { cursor: value });
      if (value === null) setCursor("");
      setSaved(value === null ? "Cursor cleared." : `Cursor set to ${value}.`);
      props.onCursorSaved();
    });

  return (
    <div className="tick-preview" data-testid="tick-preview">
      <h3>Preview a tick of {props.name}</h3>
      <div className="toolbar">
        {props.kind === "schedule" ? (
          <label>
            At or after (default now)
            <input type="datetime-local" data-testid="preview-at" value={at} onChange={(e) => setAt(e.target.value)} />
          </label>
        ) : (
          <label>
            Cursor
            <input data-testid="preview-cursor" value={cursor} onChange={(e) => setCursor(e.target.value)} placeholder="(none)" />
          </label>
        )}
        <button data-testid="preview-button" onClick={run}>
          Preview
        </button>
        {props.kind === "sensor" && (
          <>
            <button data-testid="set-cursor-button" onClick={() => saveCursor(cursor)}>
              Set cursor
            </button>
            <button onClick={() => saveCursor(null)}>Clear cursor</button>
          </>
        )}
      </div>
      {saved && <p data-testid="cursor-saved">{saved}</p>}
      {error && <ErrorBox error={error} testId="preview-error" />}
      {preview && (
        <div data-testid="preview-result">
          {preview.scheduledTime !== undefined && <p>Tick at {formatTime(preview.scheduledTime)}</p>}
          {props.kind === "sensor" && (
            <p>
              Cursor {preview.cursorBefore ?? "(none)"} → <span data-testid="preview-cursor-after">{preview.cursor ?? "(unchanged)"}</span>
            </p>
          )}
          {preview.skipReason && <p>Skipped: {preview.skipReason}</p>}
          {preview.error && <pre className="error">{preview.error.message}</pre>}
          <Table
            head={["run key", "target", "partition", "tags"]}
            rows={preview.runRequests.map((r) => [
              r.runKey ?? "-",
              r.target.job ?? r.target.selection ?? "*",
              r.partitionKey ?? "-",
              Object.entries(r.tags)
                .map(([k, v]) => `${k}=${v}`)
                .join(", "),
            ])}
          />
          {preview.logs.length > 0 && <pre>{preview.logs.map((l) => `[${l.level}] ${l.message}`).join("\n")}</pre>}
        </div>
      )}
    </div>
  );
}
