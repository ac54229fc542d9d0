import type { TestProject } from "vitest/node";
import { canStartTestPostgres, startTestPostgres } from "../src/testing/server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The URL of the PostgreSQL server the tests share, or "" when none can be started here. */
    pgUrl: string;
  }
}

/** One PostgreSQL server for the package's test files; each test uses its own schema. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!canStartTestPostgres()) {
    project.provide("pgUrl", "");
    return async () => undefined;
  }
  const server = await startTestPostgres();
  project.provide("pgUrl", server.url);
  return () => server.stop();
}
