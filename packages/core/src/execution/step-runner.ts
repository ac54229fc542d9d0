import { assetKeyToString } from "../asset-key.ts";
import { redactSecretsDeep } from "../env.ts";
import { ErrorCode, OrchError, serializeError, type SerializedError } from "../errors.ts";
import type { OrchEventBody } from "../events.ts";
import type { StepOutcome } from "../executor.ts";
import type { StepHook } from "../hooks.ts";
import type { InputContext, OutputContext } from "../io-manager.ts";
import type { StepLogger } from "../logger.ts";
import { normalizeMetadata, type Metadata } from "../metadata.ts";
import type { ExecutableNode, NodeOutputValue, NodeResult } from "../node.ts";
import type { PlannedInput, PlannedStep } from "../plan.ts";
import { retryDelayMs, sleep } from "../retry.ts";
import { describeValue } from "../serializer.ts";
import type { TypeCheck } from "../type-check.ts";
import { runLogger, type RunServices } from "./run-services.ts";

/**
 * The step boundary: the one place where a step's resources are resolved, inputs loaded and type-checked,
 * compute invoked with retries, outputs type-checked and stored, hooks run and events emitted. Every executor
 * runs steps through this function.
 */
export async function runStep(services: RunServices, step: PlannedStep): Promise<StepOutcome> {
  const node = services.definitions.graph.nodes.get(step.nodeId);
  if (!node) throw new OrchError(ErrorCode.STEP_FAILED, `Step "${step.key}" refers to unknown node "${step.nodeId}".`);
  const log = runLogger(services, step.key);
  const emit = (body: OrchEventBody) => services.events.emit({ runId: services.run.runId, timestamp: Date.now(), stepKey: step.key, ...body } as never);
  const started = performance.now();
  const maxRetries = node.retry?.maxRetries ?? 0;

  const partitions = unmaterializedPartitions(node, step, []);

  for (let attempt = 1; ; attempt++) {
    await emit({
      type: "STEP_START",
      stepKey: step.key,
      attempt,
      ...(services.worker !== undefined ? { worker: services.worker } : {}),
      // Only on the first attempt: the keys do not change, and a range can name thousands.
      ...(partitions && attempt === 1 ? { partitions } : {}),
    });
    try {
      const outcome = await attemptStep(services, node, step, attempt, log, emit);
      await settleLogs(services);
      await runHooks(services, node, step, "success", log, emit);
      await emit({ type: "STEP_SUCCESS", stepKey: step.key, durationMs: elapsed(started) });
      return outcome;
    } catch (error) {
      // Masked here as well as on the bus: hooks receive the error directly (a Slack hook posts it).
      const serialized = redactSecretsDeep(serializeError(error), services.config.secrets);
      const retryable = attempt <= maxRetries && !services.signal.aborted && !(error instanceof NonRetryable);
      await settleLogs(services);
      if (retryable) {
        const delayMs = retryDelayMs(node.retry!, attempt);
        await emit({ type: "STEP_RETRY", stepKey: step.key, attempt, delayMs, error: serialized });
        if (await sleep(delayMs, services.signal)) continue;
      }
      await runHooks(services, node, step, "failure", log, emit, serialized);
      const failedPartitions = unmaterializedPartitions(node, step, error instanceof PartialFailure ? error.producedOutputs : []);
      await emit({ type: "STEP_FAILURE", stepKey: step.key, durationMs: elapsed(started), attempt, error: serialized, ...(failedPartitions ? { failedPartitions } : {}) });
      return error instanceof PartialFailure
        ? { stepKey: step.key, status: "failure", producedOutputs: error.producedOutputs, ...(error.blockedAssets.length ? { blockedAssets: error.blockedAssets } : {}) }
        : { stepKey: step.key, status: "failure", producedOutputs: [] };
    }
  }
}

/** The asset partitions a failed partitioned step leaves unmaterialized: its selected asset outputs it did not store. */
function unmaterializedPartitions(node: ExecutableNode, step: PlannedStep, produced: readonly string[]): { assetKeys: string[]; partitions: readonly string[] } | undefined {
  const partitions = step.partitionKeys ?? (step.partitionKey !== undefined ? [step.partitionKey] : []);
  const assetKeys = step.selectedOutputs
    .filter((name) => !produced.includes(name))
    .flatMap((name) => {
      const assetKey = node.outputs.find((o) => o.name === name)?.assetKey;
      return assetKey ? [assetKeyToString(assetKey)] : [];
    });
  return partitions.length > 0 && assetKeys.length > 0 ? { assetKeys, partitions } : undefined;
}

/** Failures that a retry cannot fix (bad input types, rejected outputs). */
class NonRetryable extends OrchError {}

/** A node that stored some outputs and then reported a failure. */
class PartialFailure extends NonRetryable {
  readonly producedOutputs: readonly string[];
  readonly blockedAssets: readonly string[];
  constructor(message: string, cause: unknown, producedOutputs: readonly string[], blockedAssets: readonly string[]) {
    super(ErrorCode.STEP_FAILED, message, { cause });
    this.producedOutputs = producedOutputs;
    this.blockedAssets = blockedAssets;
  }
}

async function attemptStep(
  services: RunServices,
  node: ExecutableNode,
  step: PlannedStep,
  attempt: number,
  log: StepLogger,
  emit: (body: OrchEventBody) => Promise<void>,
): Promise<StepOutcome> {
  const resources = await services.resources.get(node.resources);
  const inputs: Record<string, unknown> = {};
  for (const input of step.inputs) inputs[input.name] = await loadInput(services, node, step, input, log, emit);

  const result: NodeResult = await node.invoke({
    runId: services.run.runId,
    stepKey: step.key,
    inputs,
    config: services.config.nodeConfig.get(node.id),
    resources,
    log,
    signal: services.signal,
    attempt,
    selectedOutputs: step.selectedOutputs,
    ...(step.partitionKey !== undefined ? { partitionKey: step.partitionKey } : {}),
    ...(step.partitionKeys !== undefined ? { partitionKeys: step.partitionKeys } : {}),
    ...timeWindowOf(node, step),
  });
  if (services.signal.aborted) throw new OrchError(ErrorCode.RUN_CANCELED, `Step "${step.key}" was canceled.`);

  // Check every output before storing any, so a rejected value never lands under its key.
  const checked: { name: string; value: NodeOutputValue; typeMetadata: Metadata }[] = [];
  for (const outputName of step.selectedOutputs) {
    const output = node.outputs.find((o) => o.name === outputName)!;
    const produced = result.outputs.get(outputName);
    if (!produced) {
      if (output.optional || result.failure !== undefined) continue;
      throw new NonRetryable(ErrorCode.STEP_FAILED, `${subjectOf(node, outputName)} returned no value for output "${outputName}".`);
    }
    if (!output.typeCheck) {
      for (const guard of services.definitions.plugins.outputGuards) {
        const refusal = guard.check(produced.value, subjectOf(node, outputName));
        if (refusal) throw new NonRetryable(ErrorCode.TYPE_CHECK_FAILED, refusal.message.replace(/^\[orch\] /, ""), { cause: refusal });
      }
    }
    const typeResult = await typeCheck(services, step, output.typeCheck, produced.value, subjectOf(node, outputName), "output", outputName, emit);
    checked.push({ name: outputName, value: typeResult.replaced ? { ...produced, value: typeResult.value } : produced, typeMetadata: typeResult.metadata });
  }

  for (const { name, value, typeMetadata } of checked) {
    const output = node.outputs.find((o) => o.name === name)!;
    const context: OutputContext = {
      runId: services.run.runId,
      stepKey: step.key,
      outputName: name,
      ...(output.assetKey ? { assetKey: output.assetKey } : {}),
      definitionMetadata: output.metadata,
      log,
      ...partitionScope(step),
    };
    withDefinitionObjects(context, { typeCheck: output.typeCheck, partitions: node.partitions });
    const stored = (await services.ioManager(output.ioManagerKey).handleOutput(context, value.value)) ?? {};
    await emit({ type: "HANDLED_OUTPUT", stepKey: step.key, outputName: name, ioManager: services.ioManagerName(output.ioManagerKey), metadata: stored });
    if (output.assetKey) {
      // Where the IO manager put it (path, bytes), what compute attached, and the type check's statistics.
      const metadata = { ...stored, ...normalizeMetadata(value.metadata), ...typeMetadata };
      for (const partition of step.partitionKeys ?? [step.partitionKey]) {
        await emit({
          type: "ASSET_MATERIALIZATION",
          assetKey: output.assetKey,
          ...(partition !== undefined ? { partition } : {}),
          metadata,
          ...(value.dataVersion !== undefined ? { dataVersion: value.dataVersion } : {}),
          ...(output.codeVersion !== undefined ? { codeVersion: output.codeVersion } : {}),
        });
      }
    }
  }

  for (const observation of result.observations ?? []) {
    await emit({
      type: "ASSET_OBSERVATION",
      assetKey: observation.assetKey,
      ...(step.partitionKey !== undefined ? { partition: step.partitionKey } : {}),
      metadata: normalizeMetadata(observation.metadata),
      ...(observation.dataVersion !== undefined ? { dataVersion: observation.dataVersion } : {}),
    });
  }
  const blockedAssets: string[] = [];
  for (const check of result.checkResults ?? []) {
    await emit({
      type: "ASSET_CHECK_EVALUATION",
      assetKey: check.assetKey,
      checkName: check.checkName,
      passed: check.passed,
      severity: check.severity,
      blocking: check.blocking,
      ...(step.partitionKey !== undefined ? { partition: step.partitionKey } : {}),
      ...(check.description !== undefined ? { description: check.description } : {}),
      metadata: normalizeMetadata(check.metadata),
    });
    if (!check.passed && check.blocking && check.severity === "error") blockedAssets.push(assetKeyToString(check.assetKey));
  }
  if (result.failure !== undefined) {
    const message = (result.failure as Error)?.message ?? String(result.failure);
    throw new PartialFailure(message.replace(/^\[orch\] /, ""), result.failure, checked.map((c) => c.name), blockedAssets);
  }
  return {
    stepKey: step.key,
    status: "success",
    producedOutputs: checked.map((c) => c.name),
    ...(blockedAssets.length ? { blockedAssets } : {}),
  };
}

async function loadInput(
  services: RunServices,
  node: ExecutableNode,
  step: PlannedStep,
  input: PlannedInput,
  log: StepLogger,
  emit: (body: OrchEventBody) => Promise<void>,
): Promise<unknown> {
  const upstreamNode = services.definitions.graph.nodes.get(input.upstreamNodeId);
  const upstreamOutput = upstreamNode?.outputs.find((o) => o.name === input.upstreamOutputName);
  const assetSpec = input.assetKey ? services.definitions.graph.spec(assetKeyToString(input.assetKey)) : undefined;
  const ioManagerKey = upstreamOutput?.ioManagerKey ?? assetSpec?.ioManagerKey ?? "io";
  const upstreamRunId = input.upstreamRunId ?? services.run.runId;
  const declared = node.inputs.find((i) => i.name === input.name);
  const declaredType = declared?.typeCheck ?? upstreamOutput?.typeCheck;
  const context: InputContext = {
    runId: services.run.runId,
    stepKey: step.key,
    inputName: input.name,
    ...(input.assetKey ? { assetKey: input.assetKey } : {}),
    upstreamOutput: {
      runId: upstreamRunId,
      stepKey: input.upstreamStepKey ?? input.upstreamNodeId,
      outputName: input.upstreamOutputName,
      ...(input.assetKey ? { assetKey: input.assetKey } : {}),
      definitionMetadata: upstreamOutput?.metadata ?? {},
    },
    log,
    ...(input.partitionKey !== undefined ? { partitionKey: input.partitionKey } : {}),
    ...(input.partitionKeys !== undefined ? { partitionKeys: input.partitionKeys } : {}),
  };
  withDefinitionObjects(context, { typeCheck: declaredType });
  withDefinitionObjects(context.upstreamOutput, { partitions: assetSpec?.partitions });
  const value = await services.ioManager(ioManagerKey).loadInput(context);
  await emit({
    type: "LOADED_INPUT",
    stepKey: step.key,
    inputName: input.name,
    ioManager: services.ioManagerName(ioManagerKey),
    upstreamStepKey: context.upstreamOutput.stepKey,
    upstreamRunId,
  });
  const checked = await typeCheck(services, step, declared?.typeCheck, value, `input "${input.name}" of ${subjectOf(node)}`, "input", input.name, emit);
  return checked.value;
}

async function typeCheck(
  services: RunServices,
  step: PlannedStep,
  type: TypeCheck | undefined,
  value: unknown,
  subject: string,
  direction: "input" | "output",
  name: string,
  emit: (body: OrchEventBody) => Promise<void>,
): Promise<{ value: unknown; replaced: boolean; metadata: Metadata }> {
  if (!type) return { value, replaced: false, metadata: {} };
  let result;
  try {
    result = await type.check(value, { runId: services.run.runId, stepKey: step.key, subject, direction });
  } catch (error) {
    throw new NonRetryable(ErrorCode.TYPE_CHECK_FAILED, `Type check ${type.name} on ${subject} could not run on a ${describeValue(value)}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
  const severity = result.severity ?? "error";
  const metadata = normalizeMetadata(result.metadata);
  await emit({
    type: direction === "input" ? "STEP_INPUT_TYPE_CHECK" : "STEP_OUTPUT_TYPE_CHECK",
    stepKey: step.key,
    name,
    typeName: type.name,
    success: result.success,
    severity,
    ...(result.description !== undefined ? { description: result.description } : {}),
    metadata,
  });
  if (!result.success && severity === "error") {
    throw new NonRetryable(
      ErrorCode.TYPE_CHECK_FAILED,
      `${capitalize(subject)} failed type check ${type.name}${direction === "output" ? " (nothing was stored)" : ""}:\n${result.description ?? "no details"}`,
    );
  }
  const replaced = "value" in result && result.value !== undefined;
  return { value: replaced ? result.value : value, replaced, metadata };
}

async function runHooks(
  services: RunServices,
  node: ExecutableNode,
  step: PlannedStep,
  on: StepHook["on"],
  log: StepLogger,
  emit: (body: OrchEventBody) => Promise<void>,
  error?: SerializedError,
): Promise<void> {
  for (const hook of [...node.hooks, ...services.definitions.hooks]) {
    if (hook.on !== on) continue;
    try {
      await hook.run({
        run: services.run,
        stepKey: step.key,
        assetKeys: node.outputs.flatMap((o) => (o.assetKey ? [o.assetKey] : [])),
        ...(step.partitionKey !== undefined ? { partitionKey: step.partitionKey } : {}),
        ...(error ? { error } : {}),
        resources: await services.resources.get(hook.resources ?? []),
        log,
      });
      await emit({ type: "HOOK_COMPLETED", stepKey: step.key, hook: hook.name });
    } catch (hookError) {
      await emit({ type: "HOOK_ERRORED", stepKey: step.key, hook: hook.name, error: serializeError(hookError) });
    }
  }
}

/**
 * Attaches the definition objects (type check, partitions) an IO manager may read, as non-enumerable properties:
 * they hold functions, and contexts are plain data that executors copy across threads without them.
 */
function withDefinitionObjects(target: object, objects: { typeCheck?: unknown; partitions?: unknown }): void {
  for (const [name, value] of Object.entries(objects)) {
    if (value !== undefined) Object.defineProperty(target, name, { value, enumerable: false });
  }
}

function timeWindowOf(node: ExecutableNode, step: PlannedStep) {
  const keys = step.partitionKeys ?? (step.partitionKey !== undefined ? [step.partitionKey] : []);
  if (keys.length === 0 || !node.partitions?.timeWindow) return {};
  const first = node.partitions.timeWindow(keys[0]!);
  const last = node.partitions.timeWindow(keys[keys.length - 1]!);
  return first && last ? { timeWindow: { start: first.start, end: last.end } } : {};
}

function partitionScope(step: PlannedStep) {
  if (step.partitionKeys !== undefined) return { partitionKeys: step.partitionKeys };
  return step.partitionKey !== undefined ? { partitionKey: step.partitionKey } : {};
}

function subjectOf(node: ExecutableNode, outputName?: string): string {
  if (node.nodeKind === "op") return outputName ? `op "${node.id}" output "${outputName}"` : `op "${node.id}"`;
  const output = node.outputs.find((o) => o.name === outputName) ?? (node.outputs.length === 1 ? node.outputs[0] : undefined);
  return output?.assetKey ? `asset "${assetKeyToString(output.assetKey)}"` : `asset node "${node.id}"`;
}

async function settleLogs(services: RunServices): Promise<void> {
  if (services.pending.size) await Promise.all(services.pending);
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 1000) / 1000;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
