import type { z } from "zod";
import { formatZodIssues } from "@orch/core";
import { webserverError } from "./errors.ts";

/** Parses a body or query with its schema; a refusal lists each problem with its path (`tags.team: ...`). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = formatZodIssues(parsed.error.issues, "");
  throw webserverError("WEBSERVER_BAD_REQUEST", `Invalid ${what}:\n  ${issues.join("\n  ")}`, { issues });
}
