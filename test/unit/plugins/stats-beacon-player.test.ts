/**
 * Every plugin names its player in the stats beacon: each plugin's one `createPlayerSession` call
 * passes its name in the session deps (caught here by wrapping the real function: the first call
 * records the deps and stops the plugin right there, so no player or DOM is needed), and a session
 * given a name sends it as the beacon's `player`, which the collector accepts and keeps.
 */
import { parseBeacon } from '../../../collector/beacon/beacon-schema.js';
import type { StatsBeaconPayload, StatsBeaconPlayer } from '../../../plugins/shared/contract.js';
import type { SessionDependencies } from '../../../plugins/shared/player-session.js';
import * as sessionModule from '../../../plugins/shared/player-session.js';

jest.mock('../../../plugins/shared/player-session.js', () => {
  const actual: typeof sessionModule = jest.requireActual(
    '../../../plugins/shared/player-session.js',
  );
  return {
    ...actual,
    createPlayerSession: jest.fn(actual.createPlayerSession),
  };
});

const createPlayerSession = sessionModule.createPlayerSession as jest.MockedFunction<
  typeof sessionModule.createPlayerSession
>;

/** Thrown by the wrapped `createPlayerSession` once it has recorded a plugin's deps. */
class Recorded extends Error {}

/** The `player` a plugin passes to `createPlayerSession` when `attach` reaches its call site. */
function playerNamedBy(attach: () => void): StatsBeaconPlayer | undefined {
  let deps: SessionDependencies | undefined;
  createPlayerSession.mockImplementationOnce((_options, given) => {
    deps = given;
    throw new Recorded();
  });
  expect(attach).toThrow(Recorded);
  return deps?.player;
}

afterEach(() => {
  createPlayerSession.mockClear();
  jest.useRealTimers();
});

describe('each plugin names its player in the session deps', () => {
  it('Video.js: videojs', async () => {
    const { createP2PPluginClass } = await import('../../../plugins/videojs/p2p-plugin.js');
    class PluginBase {
      constructor(readonly player: unknown) {}
    }
    const videojs = { getPlugin: () => PluginBase } as unknown as Parameters<
      typeof createP2PPluginClass
    >[0];
    const P2PPlugin = createP2PPluginClass(videojs, new Map()) as unknown as new (
      player: unknown,
      options: unknown,
    ) => unknown;
    expect(playerNamedBy(() => new P2PPlugin({ id: () => 'p' }, {}))).toBe('videojs');
  });

  it('Clappr: clappr', async () => {
    const { sessionOfCore } = await import('../../../plugins/clappr/player-session-link.js');
    expect(
      playerNamedBy(() => sessionOfCore({ options: {} } as Parameters<typeof sessionOfCore>[0])),
    ).toBe('clappr');
  });

  it('MediaElement.js: mediaelement', async () => {
    const { PlayerBinding } = await import('../../../plugins/mediaelement/player-binding.js');
    type Args = ConstructorParameters<typeof PlayerBinding>;
    expect(playerNamedBy(() => new PlayerBinding({} as Args[0], {} as Args[1], true))).toBe(
      'mediaelement',
    );
  });

  it('Flowplayer 3: flowplayer', async () => {
    const { FlowplayerP2P } = await import('../../../plugins/flowplayer/flowplayer3.js');
    type Args = Parameters<InstanceType<typeof FlowplayerP2P>['init']>;
    expect(
      playerNamedBy(() => {
        new FlowplayerP2P().init({ p2p: {} }, {} as Args[1], {} as Args[2]);
      }),
    ).toBe('flowplayer');
  });

  it('Flowplayer 7: flowplayer', async () => {
    const { installFlowplayer7 } = await import('../../../plugins/flowplayer/flowplayer7.js');
    let attach: ((api: unknown, root: unknown) => void) | undefined;
    const flowplayer = (callback: (api: unknown, root: unknown) => void): void => {
      attach = callback;
    };
    installFlowplayer7(flowplayer as unknown as Parameters<typeof installFlowplayer7>[0]);
    expect(playerNamedBy(() => attach?.({ conf: { p2p: {} } }, {}))).toBe('flowplayer');
  });

  it('JW Player: jwplayer', async () => {
    const { PlayerBinding } = await import('../../../plugins/jwplayer/player-binding.js');
    type Args = ConstructorParameters<typeof PlayerBinding>;
    expect(playerNamedBy(() => new PlayerBinding({} as Args[0], {}, () => undefined))).toBe(
      'jwplayer',
    );
  });
});

describe('the beacon of a named session', () => {
  const players: StatsBeaconPlayer[] = [
    'videojs',
    'clappr',
    'mediaelement',
    'flowplayer',
    'jwplayer',
    'embed',
    'other',
  ];

  it.each(players)('carries player %s, which the collector accepts and keeps', (player) => {
    jest.useFakeTimers();
    const bodies: string[] = [];
    const session = createPlayerSession(
      { statsBeacon: { url: 'http://127.0.0.1:9/beacon', intervalMs: 1000 } },
      { player, sendBeacon: (_url, body) => bodies.push(body) },
    );
    session.destroy();
    expect(bodies).toHaveLength(1);
    const payload = JSON.parse(bodies[0] ?? '') as StatsBeaconPayload;
    expect(payload.player).toBe(player);
    const parsed = parseBeacon(bodies[0] ?? '');
    expect(parsed.ok && parsed.beacon.player).toBe(player);
  });

  it('leaves `player` out when the session has no name, which the collector reads as unknown', () => {
    jest.useFakeTimers();
    const bodies: string[] = [];
    const session = createPlayerSession(
      { statsBeacon: { url: 'http://127.0.0.1:9/beacon' } },
      { sendBeacon: (_url, body) => bodies.push(body) },
    );
    session.destroy();
    expect(Object.keys(JSON.parse(bodies[0] ?? '{}') as object)).not.toContain('player');
    const parsed = parseBeacon(bodies[0] ?? '');
    expect(parsed.ok && parsed.beacon.player).toBe('unknown');
  });
});
