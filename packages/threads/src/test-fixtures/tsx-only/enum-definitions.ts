// Uses an enum (not erasable) and an extensionless import: Node's type stripping refuses it, tsx loads it.
import { asset, defineDefinitions } from "@orch/core";
import { LABEL } from "./label";

enum Size {
  Small = 1,
  Large = 10,
}

export default defineDefinitions({ assets: [asset({ key: "sized", compute: () => `${LABEL}:${Size.Large}` })] });
