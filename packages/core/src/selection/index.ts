export type { SelectableAttributes, SelectableGraph } from "./selectable-graph.ts";
