import { expect, it } from "vitest";
// The concept page's runnable example, kept working by this test.
import { main } from "../../../docs/concepts/examples/dataframes.example.ts";

it("docs/concepts/examples/dataframes.example.ts reports the failures the page shows", async () => {
  const output = await main();
  expect(output).toContain("Orders for asset orders: 5 of 14 checks failed on 4 rows (error).");
  expect(output).toContain('status    isin("placed", "shipped", "returned")  error     1             "lost"');
  expect(output).toContain('  status: col.utf8().isin(["lost", "placed", "shipped"]),');
});
