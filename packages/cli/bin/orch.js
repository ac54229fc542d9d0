#!/usr/bin/env node
// The `orch` command: registers tsx so user definitions (and this CLI's sources) load without a build step.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
