/**
 * Browser swarms for tests, in one place: the cross-browser suite, playing a swarm or a relay of
 * viewers (any test page, Chromium or Firefox), their snapshots and byte counts, summaries for
 * failure messages, and the expectations swarm tests share. See the files for each part.
 */
export {
  expectCleanPlayback,
  expectOriginBytes,
  expectSwarmOffload,
  type CleanPlaybackOptions,
  type SwarmBytes,
} from './expect.js';
export {
  joinSwarm,
  playRelay,
  playSwarm,
  stopPlayer,
  stopSwarm,
  type PlaySwarmOptions,
  type SwarmRun,
  type SwarmViewerSpec,
} from './play.js';
export {
  consoleProblems,
  engineDeliveredBytes,
  isInitSegment,
  mediaBytes,
  p2pDeliveries,
  settledOriginMediaBytes,
  totalP2PBytes,
  type SwarmSegment,
  type SwarmSnapshot,
  type ViewerSnapshot,
} from './snapshot.js';
export {
  useCrossBrowserSuite,
  type BrowserName,
  type CrossBrowserSuite,
  type SwarmHost,
} from './suite.js';
export { logSwarmSummary, summariesOf, viewerSummaries, viewerSummary } from './summary.js';
