import { useEffect, useState } from "react";

/** Hash routing: `#/runs/abc?x=1` → { path: ["runs", "abc"], query }. */
export interface Route {
  readonly path: readonly string[];
  readonly query: URLSearchParams;
}

function current(): Route {
  const [path = "", query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  return { path: path.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = () => setRoute(current());
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export function navigate(hash: string): void {
  location.hash = hash;
}

export const assetHref = (id: string) => `#/asset/${encodeURIComponent(id)}`;
export const runHref = (id: string) => `#/runs/${encodeURIComponent(id)}`;
