import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import type { ServerContext } from "./context.ts";
import { errorResponse, webserverError } from "./errors.ts";
import { assetRoutes } from "./routes/assets.ts";
import { automationRoutes } from "./routes/automation.ts";
import { instanceRoutes } from "./routes/instance.ts";
import { launchRoutes } from "./routes/launch.ts";
import { runRoutes } from "./routes/runs.ts";
import { checkBindAddress, guard, ownOrigins } from "./security.ts";

export interface WebserverOptions extends ServerContext {
  readonly host?: string;
  /** 0 picks a free port. Default 3000. */
  readonly port?: number;
  readonly authToken?: string;
  /** The built UI (`@orch/ui`'s dist/app); without it only the API is served. */
  readonly uiDir?: string;
}

export interface RunningWebserver {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The API (and the UI when `uiDir` is given) as a Hono app; `origins` is read per request (the port is known after listen). */
export function createApp(options: Omit<WebserverOptions, "host" | "port">, origins: () => ReadonlySet<string>): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    const { status, body } = errorResponse(error);
    return c.json(body, status as 400);
  });
  app.use("*", guard({ origins, readOnly: options.readOnly, ...(options.authToken ? { authToken: options.authToken } : {}) }));
  for (const routes of [assetRoutes, runRoutes, launchRoutes, automationRoutes, instanceRoutes]) app.route("/api", routes(options));
  app.all("/api/*", (c) => c.json({ error: { code: "NOT_FOUND", message: `No API endpoint ${c.req.method} ${c.req.path}.` } }, 404));
  if (options.uiDir) {
    app.use("/*", serveStatic({ root: options.uiDir }));
    app.get("/*", serveStatic({ root: options.uiDir, path: "index.html" }));
  }
  return app;
}

/** Listens (127.0.0.1:3000 by default). Any other address without an auth token is refused before binding. */
export async function startWebserver(options: WebserverOptions): Promise<RunningWebserver> {
  const host = options.host ?? "127.0.0.1";
  checkBindAddress(host, options.authToken);
  let origins: ReadonlySet<string> = new Set();
  const app = createApp(options, () => origins);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 3000 }, () => resolve(s));
    s.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? webserverError("WEBSERVER_PORT_IN_USE", `Port ${options.port ?? 3000} on ${host} is in use (another orch dev?): pass --port <port>.`, { host, port: options.port ?? 3000 })
          : error,
      ),
    );
  });
  const port = (server.address() as AddressInfo).port;
  origins = ownOrigins(host, port);
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
