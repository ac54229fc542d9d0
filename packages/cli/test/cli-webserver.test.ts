import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { collect, tempProject, waitForOutput } from "./fixture.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("orch webserver and orch dev", () => {
  it("refuses to listen beyond loopback without an auth token", async () => {
    const project = await tempProject();
    const result = await project.run(["webserver", "--host", "0.0.0.0", "--port", String(await freePort())], { ORCH_WEBSERVER_TOKEN: "" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("Refusing to listen on 0.0.0.0 without an auth token");
    expect(result.stderr).toContain("--auth-token");
  });

  it("orch dev serves the UI and the API, runs what it launches with its daemon, and stops on Ctrl-C", async () => {
    const project = await tempProject();
    const port = await freePort();
    const dev = project.spawn(["dev", "--port", String(port), "--interval-ms", "100"]);
    const done = collect(dev);
    await waitForOutput(dev, "orch dev: daemon running", 120_000);
    const url = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${url}/`)).text()).toContain('<div id="root">');
    const graph = (await (await fetch(`${url}/api/graph`)).json()) as { nodes: { id: string }[] };
    expect(graph.nodes.map((n) => n.id)).toContain("raw/orders");
    const launched = (await (await fetch(`${url}/api/launch`, { method: "POST", headers: { origin: url, "content-type": "application/json" }, body: JSON.stringify({ selection: "raw/orders" }) })).json()) as { runId: string };
    let status = "";
    for (let i = 0; i < 200 && status !== "SUCCESS"; i++) {
      status = ((await (await fetch(`${url}/api/runs/${launched.runId}`)).json()) as { run: { status: string } }).run.status;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe("SUCCESS");
    dev.kill("SIGINT");
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("orch dev: stopped");
  }, 150_000);
});
