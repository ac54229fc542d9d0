import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";

/** A selection too long for the command line, handed to dbt as a named selector in a throwaway project view. */
export interface SelectorProject {
  /** Pass as `--project-dir`. */
  readonly dir: string;
  /** Pass as `--selector`. */
  readonly selector: string;
  /** Removes the view; the project itself is never touched. */
  remove(): void;
}

/** `fqn:a.b` → `{ method: "fqn", value: "a.b" }`: one criterion of a selectors.yml union. */
function criterion(selector: string): { method: string; value: string } {
  const colon = selector.indexOf(":");
  return colon < 0 ? { method: "fqn", value: selector } : { method: selector.slice(0, colon), value: selector.slice(colon + 1) };
}

/**
 * dbt reads named selectors only from `selectors.yml` at the project root, so the selection goes into a temporary
 * directory that shows the project through one symlink per top-level entry (models, macros, dbt_packages, target,
 * ...) beside a generated `selectors.yml` (JSON, which is YAML). dbt's outputs go through the `target` and `logs`
 * links into the real project; the user's own selectors.yml is left out of the view, never rewritten.
 */
export function createSelectorProject(projectDir: string, select: readonly string[], targetPath = "target"): SelectorProject {
  // The links must exist before dbt runs so its outputs land in the project, not in the view.
  if (!isAbsolute(targetPath)) mkdirSync(join(projectDir, targetPath), { recursive: true });
  mkdirSync(join(projectDir, "logs"), { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), "orch-dbt-selection-"));
  const links: string[] = [];
  try {
    for (const entry of readdirSync(projectDir)) {
      if (entry === "selectors.yml") continue;
      symlinkSync(join(projectDir, entry), join(dir, entry));
      links.push(join(dir, entry));
    }
    const selector = `orch_selection_${randomBytes(6).toString("hex")}`;
    const definition = { union: select.map(criterion) };
    writeFileSync(join(dir, "selectors.yml"), JSON.stringify({ selectors: [{ name: selector, description: `${select.length} nodes selected by orch`, definition }] }));
    let removed = false;
    const remove = (): void => {
      if (removed) return;
      removed = true;
      removeView(dir, links);
    };
    return { dir, selector, remove };
  } catch (error) {
    removeView(dir, links);
    throw error;
  }
}

function removeView(dir: string, links: readonly string[]): void {
  // Unlink our links one by one first, so that nothing below ever walks into the real project.
  for (const link of links) unlinkSync(link);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
