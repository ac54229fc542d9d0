import { describeExecutorContract } from "@orch/core/testing";
import { threadsExecutor } from "./threads-executor.ts";

// Same definitions, same expected events as core's in-process executor (in-process-executor.contract.test.ts).
describeExecutorContract("threadsExecutor", () => threadsExecutor({ maxThreads: 2 }));
