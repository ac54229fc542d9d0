import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the stand-in saw it: form or JSON body decoded, `blocks` parsed back from JSON. */
export interface SlackRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  readonly at: number;
}

/** What to do with the n-th request (0-based): answer, hang without answering, or drop the connection. */
export type SlackReply = { status: number; headers?: Record<string, string>; body?: unknown } | "hang" | "destroy";

export interface FakeSlack {
  /** Pass as `apiUrl` / `slackApiUrl`. */
  readonly apiUrl: string;
  readonly requests: SlackRequest[];
  close(): Promise<void>;
}

const OK: SlackReply = { status: 200, body: { ok: true, channel: "C1", ts: "1700000000.000100" } };

/** A local stand-in for slack.com/api on 127.0.0.1 and a random port. */
export async function startFakeSlack(reply: (index: number, request: SlackRequest) => SlackReply = () => OK): Promise<FakeSlack> {
  const requests: SlackRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: SlackRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: decodeBody(Buffer.concat(chunks).toString("utf8"), req.headers["content-type"]),
        at: Date.now(),
      };
      requests.push(request);
      answer(res, reply(requests.length - 1, request));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: ServerResponse, reply: SlackReply): void {
  if (reply === "hang") return;
  if (reply === "destroy") {
    res.socket?.destroy();
    return;
  }
  res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
  res.end(JSON.stringify(reply.body ?? { ok: reply.status === 200 }));
}

function decodeBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = contentType?.includes("json") ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
  if (typeof body.blocks === "string") body.blocks = JSON.parse(body.blocks);
  return body;
}
