import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, inflateSync } from "node:zlib";

/** One request as the stand-in saw it, body decompressed and parsed. */
export interface DatadogRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly at: number;
}

export type DatadogReply = { status: number; headers?: Record<string, string>; body?: unknown } | "hang" | "destroy";

export interface FakeDatadog {
  /** Pass as `baseUrl`. */
  readonly url: string;
  readonly requests: DatadogRequest[];
  close(): Promise<void>;
}

/** A local stand-in for api.datadoghq.com on 127.0.0.1 (accepts like the intake: 202 with no errors). */
export async function startFakeDatadog(reply: (index: number, request: DatadogRequest) => DatadogReply = () => ({ status: 202, body: { errors: [] } })): Promise<FakeDatadog> {
  const requests: DatadogRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const encoding = req.headers["content-encoding"];
      const text = (encoding === "gzip" ? gunzipSync(raw) : encoding === "deflate" ? inflateSync(raw) : raw).toString("utf8");
      const request = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: text ? JSON.parse(text) : undefined, at: Date.now() };
      requests.push(request);
      answer(res, reply(requests.length - 1, request));
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

function answer(res: ServerResponse, reply: DatadogReply): void {
  if (reply === "hang") return;
  if (reply === "destroy") {
    res.socket?.destroy();
    return;
  }
  res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
  res.end(JSON.stringify(reply.body ?? {}));
}
