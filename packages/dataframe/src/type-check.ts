// The TypeCheck side of a frame schema: what the kernel's step runner calls on outputs and inputs.
import { OrchError, type TypeCheckContext, type TypeCheckResult } from "@orch/core";
import type { FrameSchema } from "./frame.ts";
import { describeFrameValue, isDataFrameLike } from "./frame-like.ts";
import { formatReport, reportMetadata } from "./report.ts";

export async function checkValue(schema: FrameSchema, value: unknown, context: TypeCheckContext): Promise<TypeCheckResult> {
  if (!isDataFrameLike(value)) {
    return {
      success: false,
      severity: "error",
      description: notAFrameMessage(schema.name, value, context.subject),
      metadata: { schema: schema.name, received: describeFrameValue(value) },
    };
  }
  const report = await schema.validate(value);
  return {
    success: report.passed,
    ...(report.severity ? { severity: report.severity } : {}),
    description: formatReport(report, context.subject),
    metadata: reportMetadata(report),
    ...(report.coerced && report.severity !== "error" ? { value: report.coerced } : {}),
  };
}

function notAFrameMessage(schemaName: string, value: unknown, subject: string): string {
  return `${subject} declares dataframe schema ${schemaName}, so it must be a polars DataFrame, polars LazyFrame or Arrow Table; received ${describeFrameValue(value)}.`;
}

/** For the kernel: an output that is a dataframe although no schema was declared for it. */
export function undeclaredFrameError(subject: string, value: unknown): OrchError {
  return new OrchError(
    "DATAFRAME_UNDECLARED",
    `${subject} returned a ${describeFrameValue(value)} but declares no dataframe schema; add \`output: frame({...})\` to the definition.`,
    { pkg: "dataframe", details: { subject } },
  );
}
