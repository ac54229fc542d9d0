#!/usr/bin/env node
// The `orch` command. Plain JavaScript that any Node parses, so an old Node gets one line instead of a crash
// in a native module: the version check runs before anything is imported.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `[orch] orch needs Node.js >= 22.12 (this is ${process.version}). Install Node 24 LTS: \`nvm install 24\`, or https://nodejs.org/en/download\n`,
  );
  process.exit(2);
}

const { default: module } = await import("node:module");
const { fileURLToPath } = await import("node:url");
// Cache compiled modules across invocations (node's on-disk compile cache): start-up drops by about half.
module.enableCompileCache?.();
// Installed (under node_modules), the CLI runs its dist/ build. In a checkout of the monorepo it runs its
// sources, and every @orch/* package resolves to src/ through the `@orch/source` export condition.
const fromSources = !fileURLToPath(import.meta.url).split(/[\\/]/).includes("node_modules");
if (fromSources) {
  const { addSourceCondition } = await import("./source-condition.js");
  // In-thread hooks also cover require() (a definitions module without "type": "module" is CommonJS to tsx).
  if (module.registerHooks) module.registerHooks({ resolve: addSourceCondition });
  else module.register("./source-condition.js", import.meta.url);
}
// tsx loads the user's TypeScript definitions (enums, extensionless imports, tsconfig paths) without a build.
const { register } = await import("tsx/esm/api");
register();
await import(fromSources ? "../src/main.ts" : "../dist/main.js");
