import { useCallback, useEffect, useRef, useState } from 'react';

import { type ApiClient, ApiError } from './api-client';
import { useSession } from './session';

/** A resource read from the API: the last data (kept while it reloads) and the last error. */
export interface ApiResource<T> {
  readonly data: T | null;
  readonly error: ApiError | null;
  readonly loading: boolean;
  /** Reads it again; a read still running is ignored. */
  reload(): void;
}

/**
 * Reads `load(api)` when `key` changes and on {@link ApiResource.reload}. A 401 ends the
 * session; other errors are kept for the page to show, next to the data read before.
 *
 * @example
 * ```ts
 * const saga = useApiResource((api) => api.getSaga(sagaId), sagaId);
 * ```
 */
export function useApiResource<T>(
  load: (api: ApiClient) => Promise<T>,
  key: string,
): ApiResource<T> {
  const session = useSession();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    // A newer read (a reload, another key) makes this one's answer moot.
    let cancelled = false;
    setLoading(true);
    loadRef
      .current(session.api)
      .then((value) => {
        if (cancelled) return;
        setData(value);
        setError(null);
        setLoading(false);
      })
      .catch((caught: unknown) => {
        if (cancelled) return;
        const apiError =
          caught instanceof ApiError
            ? caught
            : new ApiError(
                0,
                'UNEXPECTED',
                caught instanceof Error ? caught.message : String(caught),
              );
        setLoading(false);
        if (apiError.status === 401) session.expired(apiError);
        else setError(apiError);
      });
    return () => {
      cancelled = true;
    };
  }, [key, generation, session]);

  // A new key shows nothing of the old one's data.
  const shownKey = useRef(key);
  if (shownKey.current !== key) {
    shownKey.current = key;
    setData(null);
    setError(null);
  }

  const reload = useCallback(() => {
    setGeneration((n) => n + 1);
  }, []);
  return { data, error, loading, reload };
}

/**
 * `fn` called at most once per `intervalMs`: the first call runs at once, the calls during
 * the interval are folded into one at its end. For live data arriving faster than a page
 * should redraw.
 */
export function useThrottled(fn: () => void, intervalMs: number): () => void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current !== null) return;
    const wait = last.current + intervalMs - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      fnRef.current();
      return;
    }
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      fnRef.current();
    }, wait);
  }, [intervalMs]);
}
