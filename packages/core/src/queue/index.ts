export * from "./queue-errors.ts";
export * from "./queue-limits.ts";
export * from "./launcher.ts";
export * from "./enqueue.ts";
export * from "./execute-queued-run.ts";
export * from "./cancel-run.ts";
export * from "./coordinator.ts";
export * from "./in-process-launcher.ts";
