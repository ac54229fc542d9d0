import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, inflateSync } from "node:zlib";

export interface StandIn {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: { path: string; body: string }[];
  close(): Promise<void>;
}

/**
 * One local server on 127.0.0.1 that answers like the Slack Web API (`/api/chat.postMessage`) and the Datadog
 * intake (`/api/v2/series`, `/api/v2/logs`, ...), keeping every request body (decompressed) for assertions.
 */
export async function startStandIn(): Promise<StandIn> {
  const requests: { path: string; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const encoding = req.headers["content-encoding"];
      requests.push({ path: req.url ?? "", body: (encoding === "gzip" ? gunzipSync(raw) : encoding === "deflate" ? inflateSync(raw) : raw).toString("utf8") });
      const slack = req.url?.startsWith("/api/chat.");
      res.writeHead(slack ? 200 : 202, { "content-type": "application/json" });
      res.end(JSON.stringify(slack ? { ok: true, ts: "1.0", channel: "C1" } : { errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
