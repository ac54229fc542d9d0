import type { DbtNode } from "../manifest/model.ts";

/** One column of an enforced dbt contract, as plain data (stored under metadata key `dbt/contract`). */
export interface DbtContractColumn {
  readonly name: string;
  readonly dataType: string;
  readonly nullable: boolean;
  readonly constraints: readonly string[];
}

/**
 * The enforced contract of a model as a column list, or undefined when the contract is not enforced. Model-level
 * constraints (`constraints: [{ type: primary_key, columns: [...] }]`) are folded into the columns they name.
 */
export function contractColumns(node: DbtNode): DbtContractColumn[] | undefined {
  if (!node.contractEnforced) return undefined;
  const typed = node.columns.filter((c) => c.dataType !== undefined);
  if (typed.length === 0) return undefined;
  const modelLevel = new Map<string, string[]>();
  for (const constraint of node.constraints) {
    const type = constraint["type"];
    const columns = constraint["columns"];
    if (typeof type !== "string" || !Array.isArray(columns)) continue;
    for (const column of columns) if (typeof column === "string") modelLevel.set(column, [...(modelLevel.get(column) ?? []), type]);
  }
  return typed.map((c) => {
    const constraints = [...new Set([...c.constraints, ...(modelLevel.get(c.name) ?? [])])];
    return {
      name: c.name,
      dataType: c.dataType as string,
      nullable: !constraints.includes("not_null") && !constraints.includes("primary_key"),
      constraints,
    };
  });
}
