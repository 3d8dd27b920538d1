import type { LoadResult } from './load-test.ts';
import type { BulkRound, LoadPair, PredictFigures } from './predict-bench.ts';

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

/** One concurrency's rounds, reduced to medians; the ratio is taken within each round first. */
export interface ConcurrencySummary {
  connections: number;
  ratios: number[];
  ratio: number;
  appRps: number;
  ceilingRps: number;
  appP50: number;
  appP99: number;
  ceilingP50: number;
  ceilingP99: number;
  p99s: number[];
  /** The API's requests/s over the FastAPI peer's, per round and median (empty / NaN without a peer). */
  peerRatios: number[];
  peerRatio: number;
  peerRps: number;
  peerP50: number;
  peerP99: number;
  /** Rounds with the ceiling writing the access line (64 connections): its requests/s, its share of the bare ceiling's, and the API's share of it. */
  loggedCeilingRps: number;
  loggedCeilingShare: number;
  ofLoggedCeiling: number;
  ofLoggedCeilingRounds: number[];
  /**
   * Rounds with the floor of a prediction endpoint (64 connections): its requests/s, its share of
   * the bare ceiling's per round and median, and the API's share of it per round and median.
   */
  endpointFloorRps: number;
  endpointFloorShares: number[];
  endpointFloorShare: number;
  ofEndpointFloorRounds: number[];
  ofEndpointFloor: number;
  /** Rounds with the service at LOG_LEVEL=warn (64 connections): its requests/s, and the API's (info) share of it per round and median. */
  warnRps: number;
  infoOfWarnRounds: number[];
  infoOfWarn: number;
}

export interface BulkSummary {
  ratios: number[];
  ratio: number;
  /** Open Inference Protocol `/infer` with binary tensors, against bare TensorFlow.js. */
  binaryRatios: number[];
  binaryRatio: number;
  binaryRowsPerSecond: number;
  /** The JSON floor's rows/s against bare TensorFlow.js: the most any JSON service could reach. */
  floorRatio: number;
  /** The API's rows/s against the floor's. */
  ofFloor: number;
  appRowsPerSecond: number;
  floorRowsPerSecond: number;
  bareRowsPerSecond: number;
  /** The API's rows/s over the FastAPI peer's, per round and median (empty / NaN without a peer). */
  peerRatios: number[];
  peerRatio: number;
  peerRowsPerSecond: number;
}

function summarizeConcurrency(connections: number, rounds: LoadPair[]): ConcurrencySummary {
  const ratios = rounds.map((r) => r.app.requestsPerSecond / r.ceiling.requestsPerSecond);
  const p99s = rounds.map((r) => r.app.p99Ms);
  const withPeer = rounds.filter((r): r is LoadPair & { peer: LoadResult } => r.peer !== undefined);
  const logged = rounds.filter((r): r is LoadPair & { loggedCeiling: LoadResult } => r.loggedCeiling !== undefined);
  const ofLogged = logged.map((r) => r.app.requestsPerSecond / r.loggedCeiling.requestsPerSecond);
  const floored = rounds.filter((r): r is LoadPair & { endpointFloor: LoadResult } => r.endpointFloor !== undefined);
  const floorShares = floored.map((r) => r.endpointFloor.requestsPerSecond / r.ceiling.requestsPerSecond);
  const ofFloor = floored.map((r) => r.app.requestsPerSecond / r.endpointFloor.requestsPerSecond);
  const quiet = rounds.filter((r): r is LoadPair & { warnApp: LoadResult } => r.warnApp !== undefined);
  const infoOfWarn = quiet.map((r) => r.app.requestsPerSecond / r.warnApp.requestsPerSecond);
  return {
    connections,
    ratios,
    ratio: median(ratios),
    appRps: median(rounds.map((r) => r.app.requestsPerSecond)),
    ceilingRps: median(rounds.map((r) => r.ceiling.requestsPerSecond)),
    appP50: median(rounds.map((r) => r.app.p50Ms)),
    appP99: median(p99s),
    ceilingP50: median(rounds.map((r) => r.ceiling.p50Ms)),
    ceilingP99: median(rounds.map((r) => r.ceiling.p99Ms)),
    p99s,
    peerRatios: withPeer.map((r) => r.app.requestsPerSecond / r.peer.requestsPerSecond),
    peerRatio: median(withPeer.map((r) => r.app.requestsPerSecond / r.peer.requestsPerSecond)),
    peerRps: median(withPeer.map((r) => r.peer.requestsPerSecond)),
    peerP50: median(withPeer.map((r) => r.peer.p50Ms)),
    peerP99: median(withPeer.map((r) => r.peer.p99Ms)),
    loggedCeilingRps: median(logged.map((r) => r.loggedCeiling.requestsPerSecond)),
    loggedCeilingShare: median(logged.map((r) => r.loggedCeiling.requestsPerSecond / r.ceiling.requestsPerSecond)),
    ofLoggedCeiling: median(ofLogged),
    ofLoggedCeilingRounds: ofLogged,
    endpointFloorRps: median(floored.map((r) => r.endpointFloor.requestsPerSecond)),
    endpointFloorShares: floorShares,
    endpointFloorShare: median(floorShares),
    ofEndpointFloorRounds: ofFloor,
    ofEndpointFloor: median(ofFloor),
    warnRps: median(quiet.map((r) => r.warnApp.requestsPerSecond)),
    infoOfWarnRounds: infoOfWarn,
    infoOfWarn: median(infoOfWarn),
  };
}

function summarizeBulk(rows: number, rounds: BulkRound[]): BulkSummary {
  const appRows = rounds.map((r) => r.app.requestsPerSecond * rows);
  const floorRows = rounds.map((r) => r.floor.requestsPerSecond * rows);
  const ratios = rounds.map((r, i) => appRows[i]! / r.bareRowsPerSecond);
  const binaryRows = rounds.map((r) => r.binary.requestsPerSecond * rows);
  const binaryRatios = rounds.map((r, i) => binaryRows[i]! / r.bareRowsPerSecond);
  const peerRatios = rounds.flatMap((r) => (r.peer ? [r.app.requestsPerSecond / r.peer.requestsPerSecond] : []));
  return {
    peerRatios,
    peerRatio: median(peerRatios),
    peerRowsPerSecond: median(rounds.flatMap((r) => (r.peer ? [r.peer.requestsPerSecond * rows] : []))),
    ratios,
    ratio: median(ratios),
    binaryRatios,
    binaryRatio: median(binaryRatios),
    binaryRowsPerSecond: median(binaryRows),
    floorRatio: median(rounds.map((r, i) => floorRows[i]! / r.bareRowsPerSecond)),
    ofFloor: median(rounds.map((_, i) => appRows[i]! / floorRows[i]!)),
    appRowsPerSecond: median(appRows),
    floorRowsPerSecond: median(floorRows),
    bareRowsPerSecond: median(rounds.map((r) => r.bareRowsPerSecond)),
  };
}

/** Figures 1 and 2 as medians over their rounds. */
export function summarizePredict(figures: Pick<PredictFigures, 'concurrency' | 'bulk'>) {
  return {
    concurrency: figures.concurrency.map((c) => summarizeConcurrency(c.connections, c.rounds)),
    bulk: summarizeBulk(figures.bulk.rows, figures.bulk.rounds),
  };
}
