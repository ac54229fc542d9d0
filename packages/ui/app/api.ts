/** The webserver's JSON API: the only thing the UI talks to. A `?token=` in the page URL is kept for the session. */
const params = new URLSearchParams(location.search);
if (params.get("token")) sessionStorage.setItem("orch-token", params.get("token")!);
const token = sessionStorage.getItem("orch-token");

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export async function api<T = any>(path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers["authorization"] = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`./api${path}`, { method: body === undefined ? "GET" : "POST", headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const json = await response.json();
  if (!response.ok) throw new ApiError(json.error?.code ?? "ERROR", json.error?.message ?? response.statusText, response.status);
  return json as T;
}

/** EventSource cannot send headers: the token goes in the query. */
export function streamUrl(path: string, after: number): string {
  const q = new URLSearchParams({ after: String(after), ...(token ? { token } : {}) });
  return `./api${path}?${q}`;
}

export function formatTime(ms: number | undefined): string {
  return ms === undefined ? "-" : new Date(ms).toLocaleString();
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return "-";
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
