import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { defineDefinitions, isIOManagerDefinition } from "@orch/core";
import { startTestPostgres, type TestPostgres } from "@orch/postgres/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Project } from "../src/project.ts";
import { collect, ORCH_BIN, tempProject } from "./fixture.ts";

// What the documentation shows must be what the code accepts. Every ```yaml block in these files is an orch.yaml
// snippet (a block that shows another file names it: ```yaml selectors.yml), and every ```text block whose info
// string is an `orch ...` command shows that command's output, run in the README's folder on a fresh instance.
const REPO = resolve(import.meta.dirname, "../../..");

function markdownFiles(): string[] {
  const under = (dir: string): string[] =>
    readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? under(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : []));
  const readmes = (dir: string) => readdirSync(join(REPO, dir)).map((name) => join(dir, name, "README.md")).filter((p) => existsSync(join(REPO, p)));
  return ["README.md", ...under("docs"), ...readmes("examples"), ...readmes("integrations"), ...readmes("packages")];
}

interface Block {
  readonly file: string;
  readonly line: number;
  readonly info: string;
  readonly text: string;
}

function fencedBlocks(file: string): Block[] {
  const lines = readFileSync(join(REPO, file), "utf8").split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i]!);
    blocks.push({ file, line: start + 1, info: open[1]!.trim(), text: `${body.join("\n")}\n` });
  }
  return blocks;
}

const blocks = markdownFiles().flatMap(fencedBlocks);
const orchYaml = blocks.filter((b) => b.info === "yaml" || b.info === "yaml orch.yaml");
const commandOutputs = blocks.filter((b) => /^text orch /.test(b.info));

describe("documentation snippets", () => {
  // Snippets on PostgreSQL storage are built against a real server (Debian's binaries, started on 127.0.0.1).
  let postgres: TestPostgres | undefined;
  beforeAll(async () => {
    if (!orchYaml.some((b) => /type: postgres/.test(b.text))) return;
    postgres = await startTestPostgres();
    process.env["ORCH_PG_URL"] = postgres.url;
  });
  afterAll(async () => {
    delete process.env["ORCH_PG_URL"];
    await postgres?.stop();
  });

  it("finds the orch.yaml snippets of the docs", () => {
    expect(orchYaml.map((b) => b.file)).toEqual(expect.arrayContaining(["docs/concepts/executors.md", "docs/concepts/instance-resources.md", "docs/guides/cli.md", "docs/integrations/datadog.md", "docs/integrations/duckdb.md"]));
  });

  it.each(orchYaml.map((b) => [`${b.file}:${b.line}`, b] as const))("%s is an orch.yaml the CLI loads, with every plugin entry built", async (_where, block) => {
    const project = await tempProject(block.text, "export default {};\n");
    // Snippets take secrets from the environment ({ env: DD_API_KEY }, { env: SNOWFLAKE_PASSWORD }); nothing is sent anywhere.
    const previous = process.env["DD_API_KEY"];
    process.env["DD_API_KEY"] = "docs-snippet-key";
    process.env["SNOWFLAKE_PASSWORD"] = "docs-snippet-password";
    const opened = await Project.open({ cwd: project.dir, env: { ORCH_HOME: join(project.dir, ".orch") } });
    const definitions = defineDefinitions({});
    try {
      const storage = await opened.storage();
      expect(storage).toBeDefined();
      const executor = await opened.executor(definitions);
      expect(executor.name).toBe(opened.config.executor.type);
      const loggers = await opened.loggers(definitions);
      expect(loggers).toHaveLength(opened.config.loggers.length);
      // resources: and io.managers: are bound (types looked up, config validated) and each IO manager is created.
      const bound = opened.bind(definitions);
      expect([...bound.resources.keys()]).toEqual(Object.keys(opened.config.resources));
      for (const key of Object.keys(opened.config.io.managers)) {
        const entry = bound.ioManagers.get(key);
        const manager = isIOManagerDefinition(entry) ? await entry.create(opened.factoryContext()) : entry;
        expect(manager?.handleOutput).toBeTypeOf("function");
        await manager?.teardown?.();
      }
      await executor.teardown?.();
      for (const logger of loggers) await logger.teardown?.();
    } finally {
      delete process.env["SNOWFLAKE_PASSWORD"];
      if (previous === undefined) delete process.env["DD_API_KEY"];
      else process.env["DD_API_KEY"] = previous;
      await opened.close();
    }
  });

  it.each(commandOutputs.map((b) => [`${b.file}:${b.line} (${b.info.slice(5)})`, b] as const))("%s shows what the command prints", async (_where, block) => {
    const dir = join(REPO, block.file, "..");
    const home = await tempProject("", "export default {};\n");
    const args = block.info.slice("text orch ".length).split(/\s+/);
    const result = await collectIn(dir, args, join(home.dir, ".orch"));
    expect(result.stderr).toBe("");
    expect(result.stdout, `run \`orch ${args.join(" ")}\` in ${relative(REPO, dir)} and paste its output`).toBe(block.text);
  });
});

function collectIn(cwd: string, args: readonly string[], home: string) {
  // As a user's terminal would run it: no colour forced by the test runner (nx sets FORCE_COLOR).
  const { ORCH_HOME: _home, FORCE_COLOR: _color, ...env } = process.env;
  return collect(spawn(process.execPath, [ORCH_BIN, ...args], { cwd, env: { ...env, ORCH_HOME: home, CI: "1", NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] }));
}
