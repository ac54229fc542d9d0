import { z } from "zod";

/** Request schemas: every body and query the API accepts, parsed before a route runs. */
export const launchRequest = z
  .object({
    selection: z.string().min(1).optional(),
    job: z.string().min(1).optional(),
    partition: z.string().min(1).optional(),
    partitionRange: z.object({ start: z.string().min(1), end: z.string().min(1) }).strict().optional(),
    tags: z.record(z.string(), z.string()).default({}),
    config: z.unknown().optional(),
  })
  .strict()
  .refine((r) => !(r.selection !== undefined && r.job !== undefined), { message: "pass selection or job, not both" })
  .refine((r) => !(r.partition !== undefined && r.partitionRange !== undefined), { message: "pass partition or partitionRange, not both" });
export type LaunchRequest = z.infer<typeof launchRequest>;

export const reexecuteRequest = z
  .object({ fromFailure: z.boolean().optional(), steps: z.array(z.string().min(1)).min(1).optional() })
  .strict()
  .refine((r) => !(r.fromFailure && r.steps), { message: "pass fromFailure or steps, not both" });

export const runsQuery = z.object({
  status: z.string().optional(),
  tag: z.string().optional(),
  asset: z.string().optional(),
  job: z.string().optional(),
  /** Runs a schedule or sensor requested, or a backfill's runs (answered by the storage's tag index). */
  schedule: z.string().min(1).optional(),
  sensor: z.string().min(1).optional(),
  backfill: z.string().min(1).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const eventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  step: z.string().optional(),
});

export const graphQuery = z.object({ select: z.string().optional() });
export const assetQuery = z.object({ key: z.string().min(1), limit: z.coerce.number().int().min(1).max(1000).default(50) });
export const ticksQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });
export const scaffoldQuery = z.object({ selection: z.string().min(1).optional(), job: z.string().min(1).optional() });

/** `at`: the schedule tick at or after this time (ISO 8601); default now. */
export const schedulePreviewQuery = z.object({
  at: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), { message: "not a time; use ISO 8601, e.g. 2024-03-10T02:00:00Z" })
    .optional(),
});
/** `cursor`: evaluate from this cursor; absent means the sensor's current one. */
export const sensorPreviewQuery = z.object({ cursor: z.string().optional() });
/** `cursor: null` forgets the cursor. */
export const sensorCursorRequest = z.object({ cursor: z.string().nullable() }).strict();

export const backfillRequest = z
  .object({
    selection: z.string().min(1).optional(),
    job: z.string().min(1).optional(),
    partitions: z.union([
      z.object({ missing: z.literal(true) }).strict(),
      z.object({ all: z.literal(true) }).strict(),
      z.object({ range: z.object({ start: z.string().min(1), end: z.string().min(1) }).strict() }).strict(),
    ]),
    tags: z.record(z.string(), z.string()).default({}),
    config: z.unknown().optional(),
  })
  .strict()
  .refine((r) => !(r.selection !== undefined && r.job !== undefined), { message: "pass selection or job, not both" });
