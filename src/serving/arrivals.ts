/** Ends one expected arrival; idempotent. */
export type Arrival = () => void;

/**
 * Counts prediction requests on their way to a batcher: from the moment the server reads them
 * (or the route starts, in-process) until they join a queue or fail. A queue waits for company
 * only while this is above zero, so a lone request never waits, and under load a queue holds
 * its batch for the requests still in authentication or resolution, up to the batch wait.
 */
export class Arrivals {
  private count = 0;

  /** Whether any request is still on its way. */
  get expected(): boolean {
    return this.count > 0;
  }

  /** Counts one request; call the returned function once it joined a queue or gave up. */
  begin(): Arrival {
    this.count += 1;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.count -= 1;
    };
  }
}
