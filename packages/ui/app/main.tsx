import { createRoot } from "react-dom/client";
import { AssetPage } from "./pages/asset.tsx";
import { AutomationPage } from "./pages/automation.tsx";
import { CatalogPage } from "./pages/catalog.tsx";
import { GraphPage } from "./pages/graph.tsx";
import { InstancePage } from "./pages/instance.tsx";
import { LaunchpadPage } from "./pages/launchpad.tsx";
import { RunPage } from "./pages/run.tsx";
import { RunsPage } from "./pages/runs.tsx";
import { useRoute } from "./router.ts";

const NAV = [
  ["graph", "Asset graph"],
  ["catalog", "Catalog"],
  ["runs", "Runs"],
  ["launchpad", "Launchpad"],
  ["automation", "Automation"],
  ["instance", "Instance"],
] as const;

function App() {
  const { path, query } = useRoute();
  const [page = "graph", id] = path;
  return (
    <>
      <nav>
        <strong>orch</strong>
        {NAV.map(([p, label]) => (
          <a key={p} href={`#/${p}`} className={page === p ? "active" : ""}>
            {label}
          </a>
        ))}
      </nav>
      <main>
        {page === "graph" && <GraphPage query={query} />}
        {page === "catalog" && <CatalogPage />}
        {page === "asset" && id && <AssetPage id={id} />}
        {page === "runs" && (id ? <RunPage runId={id} /> : <RunsPage query={query} />)}
        {page === "launchpad" && <LaunchpadPage query={query} />}
        {page === "automation" && <AutomationPage />}
        {page === "instance" && <InstancePage />}
      </main>
    </>
  );
}

createRoot(document.getElementById("root")!).render(<App />);
