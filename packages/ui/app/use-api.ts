import { useCallback, useEffect, useState } from "react";
import { api } from "./api.ts";

/** Loads an API path; `reload` fetches again (after a mutation). */
export function useApi<T>(path: string | undefined): { data?: T; error?: Error; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: Error }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === undefined) return;
    let live = true;
    api<T>(path).then(
      (data) => live && setState({ data }),
      (error: Error) => live && setState({ error }),
    );
    return () => void (live = false);
  }, [path, tick]);
  return { ...state, reload: useCallback(() => setTick((t) => t + 1), []) };
}

/** Runs a user action (a mutation, a preview), keeping its error to show; a new attempt clears the last error. */
export function useAttempt(): { error?: Error; attempt: (action: () => Promise<void>) => Promise<void> } {
  const [error, setError] = useState<Error>();
  const attempt = useCallback(async (action: () => Promise<void>) => {
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e as Error);
    }
  }, []);
  return { ...(error ? { error } : {}), attempt };
}
