export { In, Out, dynamicOut, type AnyOut, type DynamicOut, type InOptions, type OpInValues, type OutFlags, type OutOptions, type OutsValues, type OutValue } from "./ins-outs.ts";
export { op, isOpDefinition, type HandleOf, type InHandles, type OpDefinition, type OutsHandles } from "./op.ts";
export { DEFAULT_OP_OUTPUT, type OpContext, type OpSpec } from "./op-spec.ts";
export { graph, type GraphDefinition, type GraphOptions } from "./graph.ts";
export { job, type JobOptions } from "./job.ts";
export type { JobEdge } from "./edges.ts";
export type { DynamicHandle, Mapped, OutputHandle } from "./handles.ts";
export { isDynamicTemplate, type DynamicTemplateStep } from "./dynamic-steps.ts";
export { checkJobRunConfig, runJob, type RunJobOptions } from "./run-job.ts";
