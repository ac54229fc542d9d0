export interface SendReport {
  readonly sent: number;
  readonly failed: number;
  /** The first failure's message, for the warning. */
  readonly error?: string;
}

/**
 * Sends batches one after another until all are sent or `deadlineMs` has passed; never throws. What is left when
 * the deadline hits counts as failed (the request in flight finishes or times out on its own, unobserved).
 */
export async function sendWithin<T>(batches: readonly T[], send: (batch: T) => Promise<unknown>, deadlineMs: number): Promise<SendReport> {
  const endAt = Date.now() + deadlineMs;
  let sent = 0;
  let failed = 0;
  let error: string | undefined;
  for (const batch of batches) {
    const left = endAt - Date.now();
    if (left <= 0) {
      failed++;
      error ??= `gave up after ${deadlineMs} ms`;
      continue;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        send(batch),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`gave up after ${deadlineMs} ms`)), left);
        }),
      ]);
      sent++;
    } catch (cause) {
      failed++;
      error ??= describe(cause);
    } finally {
      clearTimeout(timer);
    }
  }
  return { sent, failed, ...(error !== undefined ? { error } : {}) };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // The SDK's ApiException carries the HTTP status as `code` and the answer as `body`.
  const { code, body } = error as { code?: unknown; body?: unknown };
  // Its message already holds status and body: "HTTP-Code: 500\nMessage: ...\nBody: ...".
  if (typeof code === "number") return truncate(`HTTP ${code} ${bodyText(body)}`.replace(/\s+/g, " "));
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`.replace(/\s+/g, " ");
}

/** Datadog answers errors as `{ errors: [string | { title, detail }] }`; show those, else the raw body. */
function bodyText(body: unknown): string {
  if (typeof body === "string") return body;
  const errors = (body as { errors?: unknown })?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors
      .map((e) => (typeof e === "string" ? e : [e?.title, e?.detail].filter((part) => typeof part === "string").join(": ") || JSON.stringify(e)))
      .join("; ");
  }
  return JSON.stringify(body);
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
