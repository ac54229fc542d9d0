import { OrchError, type LogLevel, type Logger, type OrchEvent } from "@orch/core";
import { datadogClientSource, type DatadogConnectionOptions } from "../client-source.ts";
import { sendWithin } from "../send-batches.ts";
import { logItemFromEvent, type LogItem, type LogItemSettings } from "./log-items.ts";

export interface DatadogLoggerOptions extends DatadogConnectionOptions {
  /** Datadog `service`. Default `orch`. */
  service?: string;
  /** Datadog `ddsource`. Default `orch`. */
  source?: string;
  tags?: readonly string[];
  hostname?: string;
  /** Lowest LOG level shipped. Default `info`. */
  level?: LogLevel;
  /** Logs per request (Datadog accepts up to 1,000). Default 500. */
  batchSize?: number;
  /** Logs held in memory (buffered and in flight); more are dropped and counted. Default 10,000. */
  maxBufferedLogs?: number;
  /** Longest time one request may take, retries included. Default 10 s. */
  flushTimeoutMs?: number;
  /** Where delivery problems are reported (a logger cannot write run events). Default `console.warn`. */
  onWarning?: (message: string) => void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * A logger that ships LOG events, step failures and retries, and run outcomes to Datadog logs
 * (`POST /api/v2/logs`, gzip), in batches: a full batch is sent in the background, the rest at `flush()`.
 * `handle` never blocks and nothing here throws.
 */
export function datadogLogger(options: DatadogLoggerOptions): Logger {
  if (options.apiKey === undefined && options.client === undefined) {
    throw new OrchError("INVALID_DEFINITION", "datadogLogger() needs an apiKey (e.g. { env: \"DD_API_KEY\" }) or a client.", { pkg: "datadog" });
  }
  const source = datadogClientSource(options, "logger datadog");
  const settings: LogItemSettings = {
    service: options.service ?? "orch",
    source: options.source ?? "orch",
    ...(options.tags?.length ? { ddtags: options.tags.join(",") } : {}),
    ...(options.hostname ? { hostname: options.hostname } : {}),
  };
  const level = options.level ?? "info";
  const batchSize = Math.min(Math.max(options.batchSize ?? 500, 1), 1000);
  const maxBuffered = options.maxBufferedLogs ?? 10_000;
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  let buffer: LogItem[] = [];
  let inFlightItems = 0;
  const inFlight = new Set<Promise<void>>();
  let dropped = 0;
  let warmed = false;

  const send = (batch: LogItem[]) => {
    inFlightItems += batch.length;
    const work = (async () => {
      try {
        const client = await source.get({});
        const report = await sendWithin([batch], (body) => client.logs.submitLog({ body, contentEncoding: "gzip" }), options.flushTimeoutMs ?? 10_000);
        if (report.failed > 0) warn(`[orch] [datadog] Could not ship ${batch.length} logs to Datadog: ${report.error}`);
      } catch (error) {
        warn(`[orch] [datadog] Could not ship ${batch.length} logs to Datadog: ${(error as Error)?.message ?? String(error)}`);
      } finally {
        inFlightItems -= batch.length;
      }
    })();
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  return {
    name: "datadog",
    level,
    handle(event: OrchEvent) {
      if (event.type === "LOG" && LEVELS[event.level] < LEVELS[level]) return;
      const item = logItemFromEvent(event, settings);
      if (!item) return;
      if (!warmed) {
        warmed = true;
        source.warmUp();
      }
      if (buffer.length + inFlightItems >= maxBuffered) {
        dropped++;
        return;
      }
      buffer.push(item);
      if (buffer.length >= batchSize) {
        send(buffer);
        buffer = [];
      }
    },
    async flush() {
      if (buffer.length > 0) {
        send(buffer);
        buffer = [];
      }
      await Promise.all(inFlight);
      if (dropped > 0) {
        warn(`[orch] [datadog] Dropped ${dropped} logs: more than maxBufferedLogs (${maxBuffered}) were waiting to be shipped.`);
        dropped = 0;
      }
    },
    async teardown() {
      await this.flush!();
    },
  };
}
