/**
 * The console's only way to the service: the public HTTP API with the API key the user signed
 * in with, kept in session storage (gone when the tab closes) and nowhere else.
 */
const KEY = 'maas.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A problem+json answer (RFC 9457), or a network failure, as an Error with its detail. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const headers = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${apiKey.get() ?? ''}`, ...extra });

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) window.dispatchEvent(new Event('maas:unauthorized'));
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok)
    throw new ApiError(
      response.status,
      String(json.code ?? 'error'),
      String(json.detail ?? json.title ?? response.statusText),
    );
  return json as T;
}

/** The answer's status without throwing: for optional routes (evaluation, compare) that may not exist. */
export async function apiMaybe<T>(path: string): Promise<{ status: number; body: T | null }> {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) return { status: response.status, body: null };
  return { status: response.status, body: (await response.json()) as T };
}

export const enc = encodeURIComponent;

export interface StreamEvent {
  event: string;
  id?: string;
  data: unknown;
}

/**
 * Follows a Server-Sent Events stream with fetch (EventSource cannot send the Authorization
 * header), resuming with Last-Event-ID after a dropped connection until the server ends it.
 */
export function followEvents(path: string, onEvent: (event: StreamEvent) => void): { stop(): void } {
  const abort = new AbortController();
  let lastId: string | undefined;
  const run = async () => {
    for (let attempt = 0; !abort.signal.aborted && attempt < 20; attempt++) {
      try {
        const response = await fetch(path, {
          headers: headers(lastId ? { 'last-event-id': lastId } : {}),
          signal: abort.signal,
        });
        if (!response.ok || !response.body) return;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let at: number;
          while ((at = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, at);
            buffer = buffer.slice(at + 2);
            let event = 'message';
            let id: string | undefined;
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('id: ')) id = line.slice(4);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (!data.length) continue;
            if (id) lastId = id;
            onEvent({ event, id, data: JSON.parse(data.join('\n')) });
            if (event === 'end') return;
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  void run();
  return { stop: () => abort.abort() };
}
