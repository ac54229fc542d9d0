import { Hono } from "hono";
import { CORE_VERSION } from "@orch/core";
import type { ServerContext } from "../context.ts";

/** Instance info: daemon lock and loop heartbeats, storage, plugins, resources (their raw config: `{ env }` refs, never values). */
export function instanceRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  const { definitions, instance } = ctx;
  app.get("/instance", async (c) => {
    const [daemon, heartbeats] = await Promise.all([instance.getDaemonLock(), instance.getDaemonHeartbeats()]);
    return c.json({
      version: CORE_VERSION,
      storage: instance.name,
      readOnly: ctx.readOnly,
      info: ctx.info,
      daemon: daemon ?? null,
      heartbeats,
      plugins: definitions.plugins.plugins.map((p) => ({ name: p.name, ...(p.version ? { version: p.version } : {}) })),
      resources: [...definitions.resources].map(([key, r]) => ({ key, config: r.config ?? null })),
      jobs: [...definitions.jobs.values()].map((j) => ({ name: j.name, ...(j.selection ? { selection: j.selection } : {}), ops: j.ops !== undefined })),
    });
  });
  return app;
}
