import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { webserverError } from "./errors.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host);
}

/** Any address but loopback needs a token: otherwise anyone on the network could launch runs. */
export function checkBindAddress(host: string, authToken: string | undefined): void {
  if (!isLoopback(host) && !authToken) {
    throw webserverError(
      "WEBSERVER_AUTH_REQUIRED",
      `Refusing to listen on ${host} without an auth token: pass --auth-token <token> or set ORCH_WEBSERVER_TOKEN (or listen on 127.0.0.1).`,
      { host },
    );
  }
}

/** The origins (scheme://host:port) this server answers as: its bound address, and localhost aliases when loopback. */
export function ownOrigins(host: string, port: number): Set<string> {
  const hosts = isLoopback(host) ? ["127.0.0.1", "localhost", "[::1]"] : [host];
  return new Set(hosts.map((h) => `http://${h}:${port}`));
}

/**
 * Every request: the Host header must be one of ours (a DNS-rebinding page reaches 127.0.0.1 under its own name).
 * Mutations: `Origin` must be ours, always (a page on another site cannot post through the browser), the bearer
 * token must match when one is set, and `--read-only` refuses them all.
 */
export function guard(options: { origins: () => ReadonlySet<string>; authToken?: string; readOnly: boolean }): MiddlewareHandler {
  return async (c, next) => {
    const origins = options.origins();
    const host = c.req.header("host");
    if (host === undefined || !origins.has(`http://${host}`)) {
      throw webserverError("WEBSERVER_BAD_HOST", `Host "${host ?? ""}" is not this server's (${[...origins].join(", ")}).`, { host });
    }
    const mutation = c.req.method !== "GET" && c.req.method !== "HEAD";
    const tokenNeeded = options.authToken !== undefined && c.req.path.startsWith("/api/");
    if (tokenNeeded && !tokenMatches(c.req.header("authorization"), c.req.query("token"), options.authToken!)) {
      throw webserverError("WEBSERVER_UNAUTHORIZED", "This webserver needs its auth token: send `Authorization: Bearer <token>`.");
    }
    if (mutation) {
      const origin = c.req.header("origin");
      if (origin === undefined || !origins.has(origin)) {
        throw webserverError("WEBSERVER_BAD_ORIGIN", `Refusing ${c.req.method} ${c.req.path} from origin "${origin ?? "(none)"}": only ${[...origins].join(", ")} may change this instance.`, {
          origin,
        });
      }
      if (options.readOnly) throw webserverError("WEBSERVER_READ_ONLY", `This webserver is read-only (--read-only): ${c.req.method} ${c.req.path} is disabled.`);
    }
    await next();
  };
}

/** Bearer header, or `?token=` for EventSource, which cannot set headers. */
function tokenMatches(header: string | undefined, query: string | undefined, token: string): boolean {
  const given = header?.startsWith("Bearer ") ? header.slice(7) : query;
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
