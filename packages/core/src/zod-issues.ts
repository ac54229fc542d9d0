import type { z } from "zod";

/** Formats zod issues as `path: message` lines, paths prefixed with where the config lives. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[], prefix: string): string[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p)))]
      .filter((p) => p !== "")
      .join(".")
      .replace(/\.\[/g, "[");
    return `${path || "(root)"}: ${issue.message}`;
  });
}
