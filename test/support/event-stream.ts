/** One Server-Sent Event as a client receives it. */
export interface ReceivedEvent {
  id?: string;
  event: string;
  data: unknown;
}

/**
 * A real HTTP client of an event stream (fetch, reading the body as it arrives): its answer's
 * status and headers, the events one at a time, and a way to go away mid-stream.
 */
export async function openEventStream(url: string, headers: Record<string, string>) {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  let reader: ReadableStreamDefaultReader<string> | undefined;
  let buffer = '';
  const pending: ReceivedEvent[] = [];
  let ended = false;
  const comments: string[] = [];

  /** Reads one chunk of the body into events and comments; false once the server closed the stream. */
  async function pump(): Promise<boolean> {
    if (ended) return false;
    reader ??= response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const { value, done } = await reader.read().catch((error: unknown) => {
      if (abort.signal.aborted) return { value: undefined, done: true as const };
      throw error;
    });
    if (done) {
      ended = true;
      return false;
    }
    buffer += value;
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const event: Partial<ReceivedEvent> & { lines: string[] } = { event: 'message', lines: [] };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comments.push(line);
        else if (line.startsWith('id: ')) event.id = line.slice(4);
        else if (line.startsWith('event: ')) event.event = line.slice(7);
        else if (line.startsWith('data: ')) event.lines.push(line.slice(6));
      }
      if (event.lines.length)
        pending.push({ id: event.id, event: event.event!, data: JSON.parse(event.lines.join('\n')) });
    }
    return true;
  }

  /** The next event, or undefined once the server closed the stream. */
  async function next(): Promise<ReceivedEvent | undefined> {
    for (;;) {
      const queued = pending.shift();
      if (queued) return queued;
      if (!(await pump())) return undefined;
    }
  }

  /** Reads on (keeping the events for `next`) until a comment line arrives; undefined if the stream ends first. */
  async function comment(): Promise<string | undefined> {
    while (!comments.length) if (!(await pump())) return undefined;
    return comments[0];
  }

  /** Every event up to the server's close. */
  async function rest(): Promise<ReceivedEvent[]> {
    const events: ReceivedEvent[] = [];
    for (let event = await next(); event; event = await next()) events.push(event);
    return events;
  }

  return {
    status: response.status,
    headers: response.headers,
    /** The body of a refused request (problem+json). */
    json: () => response.json() as Promise<Record<string, unknown>>,
    next,
    rest,
    comment,
    comments,
    close: () => abort.abort(),
  };
}
