// An external process written against @orch/pipes, run by the tests through pipesSubprocess.
import { withPipes } from "@orch/pipes";

const mode = process.argv[2];
await withPipes(async (pipes) => {
  const { context } = pipes;
  pipes.log.info(`computing ${context.assetKeys.join(",")} for ${context.partitionKey ?? "all"}`, { attempt: context.attempt });
  pipes.log.debug("debug detail");
  if (mode === "fail") throw new RangeError("amount must be positive");
  pipes.reportMaterialization({ metadata: { rows: 7, region: (context.config as { region?: string }).region ?? null, extras: context.extras }, dataVersion: "ts-7" });
  pipes.reportAssetCheck({ checkName: "row_count_positive", passed: true, metadata: { rows: 7 } });
});
