/**
 * When the bench's virtual viewers really played (scripts/bench/virtual-viewer-fleet.ts): a
 * process's viewers start from its `ready` line, not its spawn (loading it takes seconds on a busy
 * machine), and stop after their watch time or at the process's end. The fleet's process handling
 * itself runs in `npm run bench -- --network … --virtual-peers N`.
 */
import { viewerPresence } from '../../../scripts/bench/virtual-viewer-fleet.js';
import type { PlannedViewer } from '../../../scripts/bench/network-scenarios.js';

const three = {
  viewers: [{}, {}, {}] as unknown as PlannedViewer[],
  staggerMs: 5000,
  watchMs: 60_000,
};

describe('viewerPresence', () => {
  it("starts viewers from the process's ready line, staggered, each watching its watch time", () => {
    expect(
      viewerPresence(three, {
        spawnedAtEpochMs: 1000,
        readyAtEpochMs: 4000,
        endedAtEpochMs: 71_000,
        killed: false,
      }),
    ).toEqual([
      { joinedAtEpochMs: 4000, leftAtEpochMs: 64_000 },
      { joinedAtEpochMs: 9000, leftAtEpochMs: 69_000 },
      // SIGTERM at the planned end cut the last one short.
      { joinedAtEpochMs: 14_000, leftAtEpochMs: 71_000 },
    ]);
  });

  it('falls back to the spawn without a ready line; a kill stops everyone, unjoined ones at once', () => {
    expect(
      viewerPresence(three, {
        spawnedAtEpochMs: 1000,
        readyAtEpochMs: undefined,
        endedAtEpochMs: 8000,
        killed: true,
      }),
    ).toEqual([
      { joinedAtEpochMs: 1000, leftAtEpochMs: 8000 },
      { joinedAtEpochMs: 6000, leftAtEpochMs: 8000 },
      { joinedAtEpochMs: 8000, leftAtEpochMs: 8000 },
    ]);
  });
});
