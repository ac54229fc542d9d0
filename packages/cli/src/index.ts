export { createProgram } from "./program.ts";
export { Project, type ProjectOptions } from "./project.ts";
export { loadDefinitions } from "./load-definitions.ts";
export { loadPlugins } from "./load-plugins.ts";
export { EXIT, UsageError } from "./exit-codes.ts";
