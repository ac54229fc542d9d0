import { describe, expect, it } from "vitest";
import { collect, tempProject, waitForOutput } from "./fixture.ts";

describe("foreground runs under orch.yaml's runs limits", () => {
  it("waits its turn in the run queue, saying why, and starts once the slot frees", async () => {
    const project = await tempProject("module: ./defs.ts\nruns:\n  maxConcurrent: 1\n");
    const first = project.spawn(["materialize", "--select", "raw/orders"], { SLOW: "raw/orders" });
    const firstDone = collect(first);
    await waitForOutput(first, "raw/orders  started");
    const second = project.spawn(["materialize", "--select", "raw/orders"]);
    const secondDone = collect(second);
    await waitForOutput(second, "Waiting in the run queue: maxConcurrentRuns: 1 of 1 runs in progress");
    const listed = await project.run(["runs", "list"]);
    expect(listed.stdout).toContain("QUEUED (maxConcurrentRuns: 1 of 1 runs in progress)");
    first.kill("SIGINT");
    expect((await firstDone).code).toBe(130);
    const result = await secondDone;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ SUCCESS\n$/);
  });

  it("orch runs cancel stops a foreground run started in another terminal", async () => {
    const project = await tempProject();
    const child = project.spawn(["materialize", "--select", "raw/orders"], { SLOW: "raw/orders" });
    const done = collect(child);
    await waitForOutput(child, "raw/orders  started");
    const instance = project.instance();
    const [running] = await instance.listRuns({ statuses: ["STARTED"] });
    await instance.close();
    const cancel = await project.run(["runs", "cancel", running!.runId]);
    expect(cancel.stdout).toContain(`${running!.runId} CANCELING`);
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stdout.trim()).toBe(`${running!.runId} CANCELED`);
  });
});
