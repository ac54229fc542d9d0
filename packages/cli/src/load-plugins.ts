import { createRequire } from "node:module";
import { join } from "node:path";
import { importPluginModule, type Plugin } from "@orch/core";
import { UsageError } from "./exit-codes.ts";

export interface LoadedPlugins {
  readonly plugins: Plugin[];
  /** The resolved path of each module, in orch.yaml's order (worker threads import the same files). */
  readonly modules: string[];
}

/**
 * Imports the plugin modules orch.yaml lists under `plugins:`, resolved from the project folder. A module gives
 * its default export or every named export made with definePlugin(). Nothing is discovered.
 */
export async function loadPlugins(specifiers: readonly string[], projectDir: string, configPath: string): Promise<LoadedPlugins> {
  const require = createRequire(join(projectDir, "orch.yaml"));
  const plugins: Plugin[] = [];
  const modules: string[] = [];
  for (const specifier of specifiers) {
    let resolved: string;
    try {
      resolved = require.resolve(specifier);
    } catch {
      throw new UsageError(`[orch] [cli] ${configPath}: plugin "${specifier}" cannot be found from ${projectDir}. Install it (npm install ${specifier}) or fix the path.`);
    }
    const found = await importPluginModule(resolved);
    if (found.length === 0) throw new UsageError(`[orch] [cli] ${configPath}: module "${specifier}" exports no plugin made with definePlugin().`);
    modules.push(resolved);
    for (const plugin of found) if (!plugins.includes(plugin)) plugins.push(plugin);
  }
  return { plugins, modules };
}
