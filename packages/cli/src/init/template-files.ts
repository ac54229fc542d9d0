import { DEFINITIONS, DEFINITIONS_TEST } from "./template-definitions.ts";

export interface TemplateVersions {
  /** Ranges written into package.json for @orch/core and @orch/cli. */
  readonly core: string;
  readonly cli: string;
}

/** Node's tooling the scaffolded project develops with (the versions orch itself is tested with). */
const DEV_TOOLS = { "@types/node": "^24.0.0", typescript: "^7.0.2", vitest: "^5.1.1" };

/** Every file `orch init` writes, by path relative to the project folder. */
export function templateFiles(name: string, versions: TemplateVersions): ReadonlyMap<string, string> {
  const packageJson = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: ">=22.12" },
    scripts: { materialize: "orch materialize --partition 2024-01-01", test: "vitest run", typecheck: "tsc -p tsconfig.json" },
    dependencies: { "@orch/cli": versions.cli, "@orch/core": versions.core },
    devDependencies: DEV_TOOLS,
  };
  const tsconfig = {
    compilerOptions: {
      target: "ES2023",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      // Only syntax Node can strip: the definitions also run with plain `node src/definitions.ts`.
      erasableSyntaxOnly: true,
      skipLibCheck: true,
      types: ["node"],
    },
    include: ["src"],
  };
  return new Map([
    ["package.json", `${JSON.stringify(packageJson, null, 2)}\n`],
    ["tsconfig.json", `${JSON.stringify(tsconfig, null, 2)}\n`],
    ["orch.yaml", ORCH_YAML],
    [".gitignore", "node_modules/\n# The instance: runs, events and stored outputs.\n.orch/\n"],
    ["README.md", readme(name)],
    ["src/definitions.ts", DEFINITIONS],
    ["src/definitions.test.ts", DEFINITIONS_TEST],
  ]);
}

const ORCH_YAML = `# orch finds this file from this folder or any folder below it; runs and outputs are kept in .orch/ beside it.
module: ./src/definitions.ts
`;

function readme(name: string): string {
  return `# ${name}

An [orch](https://www.npmjs.com/package/@orch/cli) project: assets in \`src/definitions.ts\`, found through \`orch.yaml\`.

\`\`\`sh
npx orch asset list                                # the assets and their groups
npx orch materialize --partition 2024-01-01        # one day of orders, its check, its revenue
npx orch runs list
npm test                                           # the assets' test (src/definitions.test.ts)
\`\`\`
`;
}
