export type { PartitionsContext, PartitionsDefinition, TimeWindow } from "./partitions-definition.ts";
