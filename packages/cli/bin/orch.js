#!/usr/bin/env node
// The `orch` command: registers tsx so user definitions (and this CLI's sources) load without a build step.
import module from "node:module";
import { register } from "tsx/esm/api";

// Cache compiled modules across invocations (node's on-disk compile cache): start-up drops by about half.
module.enableCompileCache?.();
register();
await import("../src/main.ts");
