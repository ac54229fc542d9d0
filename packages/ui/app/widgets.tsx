import type { ReactNode } from "react";

/** An API refusal as the server worded it (selection carets and config paths are kept on their lines). */
export function ErrorBox(props: { error: Error & { code?: string }; testId?: string }) {
  return (
    <pre className="error" data-testid={props.testId ?? "error"}>
      {props.error.code ? `${props.error.code}: ` : ""}
      {props.error.message}
    </pre>
  );
}

export function Status(props: { status: string }) {
  return <span className={`status status-${props.status.toLowerCase()}`} data-testid="run-status">{props.status}</span>;
}

export function Table(props: { head: string[]; rows: ReactNode[][]; testId?: string }) {
  return (
    <table data-testid={props.testId}>
      <thead>
        <tr>{props.head.map((h) => <th key={h}>{h}</th>)}</tr>
      </thead>
      <tbody>
        {props.rows.map((r, i) => (
          <tr key={i}>{r.map((c, j) => <td key={j}>{c}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}
