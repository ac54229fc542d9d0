import { describeExecutorContract } from "../testing/executor-contract.ts";
import { inProcessExecutor } from "./in-process-executor.ts";

describeExecutorContract("inProcessExecutor", () => inProcessExecutor());
