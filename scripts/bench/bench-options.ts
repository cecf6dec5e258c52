/**
 * Command line of `npm run bench`: which scenarios to run and how. Pure parsing, so a typo fails
 * before any browser starts.
 */
import { parseArgs } from 'node:util';
// A cycle (network-scenarios.ts throws BenchUsageError): only used inside functions here.
import { NETWORK_SCENARIOS, type NetworkScenario } from './network-scenarios.js';
import { BENCH_BROWSERS, type BenchBrowser } from './browser-mix.js';

/** How viewers watch: one live stream of their own session, or a VOD stream from its start. */
export type BenchMode = 'live' | 'vod';

/** What a hostile peer of `--attackers` does (test/support/hostile-peer). */
export type BenchAttack = 'wrong-bytes' | 'stalled-prefix' | 'oversized-map';

const BENCH_ATTACKS: readonly BenchAttack[] = ['wrong-bytes', 'stalled-prefix', 'oversized-map'];

/** Most hostile peers one scenario may have: each holds WebRTC connections to every viewer. */
export const MAX_ATTACKERS = 4;

/** Everything a bench run is told. */
export interface BenchOptions {
  /** Scenarios to run, in order. Default: live then vod. */
  readonly modes: readonly BenchMode[];
  /** Viewers per scenario (each in its own browser context). Default 6. */
  readonly peers: number;
  /**
   * Seconds each viewer watches after it joins. Default 180: the targets compare against
   * `idealOffload` (1 - 1/N, every viewer watching the same segments), and in shorter sessions a
   * live joiner's startup segments, which come over HTTP before any peer can connect, weigh more
   * than in real viewing (see README, Benchmark).
   */
  readonly seconds: number;
  /** Seconds between two viewers joining. Default 3. */
  readonly staggerSeconds: number;
  /** Generated stream kind (directory under examples/media/streams). Default 'hls-ts'. */
  readonly stream: string;
  /** Player page (see player-pages.ts). Default 'hlsjs'. */
  readonly player: string;
  /** Streaming engine under the player. Default 'hlsjs'. */
  readonly engine: string;
  /** Highest rendition index ABR may choose, in both arms; undefined = no cap. */
  readonly capLevel: number | undefined;
  /** Engine options of the P2P arm on top of the bench's own (tracker, no STUN). Default none. */
  readonly engineConfig: Readonly<Record<string, unknown>>;
  /**
   * Shaka Player configuration for both arms (`player.configure`), Shaka pages only, as given;
   * {@link shakaConfigFor} adds the live defaults. Default none.
   */
  readonly shakaConfig: Readonly<Record<string, unknown>> | undefined;
  /**
   * Hostile peers joining the P2P arm's swarm (0..{@link MAX_ATTACKERS}). Default 0. With any, each
   * scenario also runs its P2P arm without them, for `offloadWithoutAttackers`. With `network`,
   * each runs in a public namespace of the arm's lab.
   */
  readonly attackers: number;
  /** What the hostile peers do. Default 'wrong-bytes'. */
  readonly attack: BenchAttack;
  /**
   * The P2P arm verifies peer bytes against the origin's signed hash manifest
   * (`segments-sha256.json`, engine option `integrity`). Default true (`--trusted-hashes on`).
   */
  readonly trustedHashes: boolean;
  /**
   * Every viewer runs its own Chromium process instead of a context of one shared browser (the
   * network lab's mode: a process can sit in its own namespace). Default false.
   */
  readonly browserPerViewer: boolean;
  /**
   * Network-lab scenario (`--network`): every arm runs in a fresh lab built from the scenario's
   * seeded plan (scripts/bench/network-scenarios.ts), each viewer in its own Chromium process in
   * its slot's namespace. Undefined = no lab (the bench as before).
   */
  readonly network: NetworkScenario | undefined;
  /** Seed of the network plan (`--seed`, 0..4294967295). Default {@link DEFAULT_NETWORK_SEED}. */
  readonly seed: number;
  /**
   * Virtual viewers (the engine in Node with a playback model of hls.js, test/support/virtual-viewer)
   * in each arm beside the Chromium ones (`--virtual-peers`, 0..{@link MAX_VIRTUAL_PEERS}); needs
   * `--network` and an hls.js stream. Default 0.
   */
  readonly virtualPeers: number;
  /**
   * Which browser the viewers of both arms run in (`--browser`): every one in Chromium, every one in
   * Firefox, or alternating Chromium, Firefox, Chromium, ... by join order (see browser-mix.ts).
   * Default 'chromium'.
   */
  readonly browser: BenchBrowser;
  /**
   * What JW Player's plain arm plays with (`--jw-baseline`, `--player jwplayer` only): 'native',
   * JW's open-source build alone (its html5 provider, the browser's native HLS), or 'hlsjs', JW with
   * the plugin's provider and P2P off (`enabled: false`: hls.js without the engine, as JW's own
   * hls.js provider would play HLS in a browser without native HLS). Default 'native'.
   */
  readonly jwBaseline: JWBaseline;
  /**
   * Runs of each scenario (`--repeat`, 1..{@link MAX_REPEAT}): with more than one, a line per run
   * (`run`, `runs`) then a `repeat-summary` line (scripts/bench/repeat-summary.ts). Default 1.
   */
  readonly repeat: number;
  /** One JSON line per scenario instead of a table. */
  readonly json: boolean;
  /** Where charts and diagnostics go. Default 'artifacts/bench'. */
  readonly outDir: string;
}

/**
 * Shaka configuration both arms of a live scenario get unless `--shaka-config` sets the key:
 * `updateIntervalSeconds` 0.1 instead of 1, as README advises for live. When Shaka looks for a
 * stream's next segment just before the origin publishes it, it looks again only that long after;
 * at a live start (its default `rebufferingGoal` of 0 starts playback on what it holds) the audio
 * then ran dry: 5 of 18 joining viewers stalled with P2P off too (3 runs, live DASH), which a
 * zero-stall target cannot tell apart from P2P's doing. With 0.1: no stall in 60 viewers (five
 * runs), and startup no longer split into normal and a second late. The live latency stays
 * Shaka's default.
 */
export const SHAKA_LIVE_STREAMING_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  updateIntervalSeconds: 0.1,
});

/**
 * The Shaka configuration both arms of a `mode` scenario run with: `--shaka-config`, on top of
 * {@link SHAKA_LIVE_STREAMING_DEFAULTS} for live. Undefined for other players or when there is none.
 */
export function shakaConfigFor(
  options: Pick<BenchOptions, 'player' | 'shakaConfig'>,
  mode: BenchMode,
): Readonly<Record<string, unknown>> | undefined {
  if (options.player !== 'shaka' || mode !== 'live') return options.shakaConfig;
  const given = options.shakaConfig ?? {};
  const streaming = given.streaming;
  const givenStreaming =
    typeof streaming === 'object' && streaming !== null && !Array.isArray(streaming)
      ? (streaming as Record<string, unknown>)
      : {};
  return { ...given, streaming: { ...SHAKA_LIVE_STREAMING_DEFAULTS, ...givenStreaming } };
}

/** DASH streams the virtual Shaka model reads (test/support/virtual-viewer/dash-manifest.ts). */
const VIRTUAL_DASH_STREAMS: readonly string[] = ['dash-number', 'dash-timeline'];

/** Most virtual viewers an arm may run (`--virtual-peers`): the swarm has 24. */
export const MAX_VIRTUAL_PEERS = 64;

/** Most runs `--repeat` allows: each run is a whole scenario (minutes). */
export const MAX_REPEAT = 10;

/** Seed of the network plan when `--network` is given without `--seed`. */
export const DEFAULT_NETWORK_SEED = 1;

/** Usage text printed by `--help` and after a bad argument. */
export const BENCH_USAGE = `usage: npm run bench -- [options]
  --mode live|vod      scenario to run (default: both)
  --peers N            viewers per scenario (default 6)
  --seconds S          seconds each viewer watches after joining (default 180)
  --stagger S          seconds between viewers joining (default 3)
  --protocol hls|dash  manifest kind (default: dash with --engine shaka, else hls; or the --stream's);
                       dash needs --engine shaka (the default for dash)
  --stream KIND        hls-ts | hls-fmp4 | hls-byterange | hls-audio | dash-number | dash-timeline
                       | dash-list | dash-base (default dash-number for dash, hls-ts for hls)
  --player NAME        player page (default: the engine's own page, hlsjs or shaka): hlsjs | shaka
                       | videojs | clappr | mediaelement | flowplayer | jwplayer (the real JW Player
                       8.24.3 open-source build: JWPLAYER_LIBRARY or ../shared/vendor/jwplayer-8.24.3/;
                       HLS in Chromium only, no --cap-level)
  --engine NAME        streaming engine under the player: hlsjs | shaka (default hlsjs, shaka for dash)
  --cap-level N        highest rendition index ABR may pick, same in both arms (default: none)
  --engine-config JSON engine options for the P2P arm, e.g. '{"p2pPrefetchSeconds":20}'
  --shaka-config JSON  Shaka configuration for both arms (--player shaka), e.g.
                       '{"streaming":{"bufferingGoal":30}}'; live scenarios default to
                       '{"streaming":{"updateIntervalSeconds":0.1}}' (README's advice for live)
  --attackers N        hostile peers in the P2P arm's swarm, 0..4 (default 0); with any, the P2P arm
                       also runs without them (offloadWithoutAttackers); with --network each joins
                       from a public namespace of the lab of its own
  --attack KIND        what they do: wrong-bytes | stalled-prefix | oversized-map (default
                       wrong-bytes: the origin's segments with altered media payload and their own
                       matching SHA-256)
  --trusted-hashes on|off  verify peer bytes against the origin's signed segments-sha256.json
                       (default on)
  --browser chromium|firefox|mixed  the viewers' browser in both arms: all Chromium, all Firefox
                       (FIREFOX_PATH or /usr/bin/firefox-esr), or mixed: Chromium, Firefox,
                       Chromium, ... by join order (default chromium); the report then gives
                       offload, stalls and startup per browser. Not with --network or
                       --browser-per-viewer, nor with --player jwplayer (its open-source build
                       plays HLS natively only, which Firefox cannot)
  --jw-baseline native|hlsjs  JW Player's plain arm (--player jwplayer): the open-source build
                       alone, native HLS (default), or JW with the plugin's provider and P2P off
                       (hls.js without the engine), which isolates what P2P itself costs
  --repeat N           run each scenario N times, 1..${MAX_REPEAT} (default 1); with more than one, a
                       line per run then a summary line: medians and ranges, how many runs met
                       each target, and the targets judged on the medians
  --browser-per-viewer every viewer in a browser process of its own (default: one shared
                       browser per kind, a context per viewer)
  --network SCENARIO   run every arm in a network lab (root, iproute2, nftables, tc; coturn for
                       nat and mixed): clean | lossy | nat | uplink | churn | slow-cpu | mixed;
                       implies --browser-per-viewer (default: no lab)
  --seed N             seed of the network plan, 0..4294967295 (default ${DEFAULT_NETWORK_SEED}; needs --network)
  --virtual-peers N    virtual viewers (the engine in Node, a model of hls.js or Shaka) per arm
                       beside the Chromium ones, 0..${MAX_VIRTUAL_PEERS} (default 0; needs --network,
                       and hls.js playing HLS or Shaka playing dash-number/dash-timeline)
  --out DIR            charts and diagnostics directory (default artifacts/bench)
  --json               one JSON line per scenario instead of a table`;

/** What JW Player's plain arm plays with (see {@link BenchOptions.jwBaseline}). */
export type JWBaseline = 'native' | 'hlsjs';

/** A bad command line; the message says which argument and why. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

function numberOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  check: (value: number) => boolean,
  rule: string,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || !check(value)) {
    throw new BenchUsageError(`--${name} must be ${rule}, got '${raw}'`);
  }
  return value;
}

/**
 * A JSON object option (`--engine-config`, `--shaka-config`). Its keys are checked by the engine or
 * Shaka on the page: an invalid one shows up as a setup error or a problem of the scenario.
 */
function jsonObjectOption(
  name: string,
  raw: string | undefined,
): Readonly<Record<string, unknown>> | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined; // reported below, like any other non-object
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BenchUsageError(`--${name} must be a JSON object, got '${raw}'`);
  }
  return value as Record<string, unknown>;
}

/** The manifest kind of a generated stream, from its name (dash-number, hls-ts, ...). */
function streamProtocol(stream: string): 'hls' | 'dash' {
  return stream.startsWith('dash') ? 'dash' : 'hls';
}

/**
 * The protocol when `--protocol` is not given: the stream's when one is named, else DASH for Shaka
 * (its scenario of record) and HLS for hls.js.
 */
function defaultProtocol(engine: string | undefined, stream: string | undefined): 'hls' | 'dash' {
  if (stream !== undefined) return streamProtocol(stream);
  return engine === 'shaka' ? 'dash' : 'hls';
}

/** Parses the bench's arguments (without `node` and the script). `--help` yields `undefined`. */
export function parseBenchArgs(args: readonly string[]): BenchOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        mode: { type: 'string' },
        peers: { type: 'string' },
        seconds: { type: 'string' },
        stagger: { type: 'string' },
        stream: { type: 'string' },
        protocol: { type: 'string' },
        player: { type: 'string' },
        engine: { type: 'string' },
        'cap-level': { type: 'string' },
        'engine-config': { type: 'string' },
        'shaka-config': { type: 'string' },
        out: { type: 'string' },
        attackers: { type: 'string' },
        attack: { type: 'string' },
        'trusted-hashes': { type: 'string' },
        'browser-per-viewer': { type: 'boolean' },
        network: { type: 'string' },
        seed: { type: 'string' },
        'virtual-peers': { type: 'string' },
        browser: { type: 'string' },
        'jw-baseline': { type: 'string' },
        repeat: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return undefined;

  const mode = values.mode;
  if (mode !== undefined && mode !== 'live' && mode !== 'vod') {
    throw new BenchUsageError(`--mode must be live or vod, got '${mode}'`);
  }
  const protocol = values.protocol ?? defaultProtocol(values.engine, values.stream);
  if (protocol !== 'hls' && protocol !== 'dash') {
    throw new BenchUsageError(`--protocol must be hls or dash, got '${protocol}'`);
  }
  if (values.stream !== undefined && streamProtocol(values.stream) !== protocol) {
    throw new BenchUsageError(`--stream ${values.stream} is not a ${protocol} stream`);
  }
  const engine = values.engine ?? (protocol === 'dash' ? 'shaka' : 'hlsjs');
  if (protocol === 'dash' && engine !== 'shaka') {
    throw new BenchUsageError(`--protocol dash needs --engine shaka (hls.js plays HLS only)`);
  }
  if (values['shaka-config'] !== undefined && (values.player ?? engine) !== 'shaka') {
    throw new BenchUsageError(
      '--shaka-config needs the Shaka page (--engine shaka, --player shaka)',
    );
  }
  const attack = values.attack ?? 'wrong-bytes';
  if (!BENCH_ATTACKS.includes(attack as BenchAttack)) {
    throw new BenchUsageError(`--attack must be ${BENCH_ATTACKS.join(', ')}, got '${attack}'`);
  }
  const trusted = values['trusted-hashes'] ?? 'on';
  if (trusted !== 'on' && trusted !== 'off') {
    throw new BenchUsageError(`--trusted-hashes must be on or off, got '${trusted}'`);
  }
  const network = values.network;
  if (network !== undefined && !(NETWORK_SCENARIOS as readonly string[]).includes(network)) {
    throw new BenchUsageError(
      `--network must be ${NETWORK_SCENARIOS.join(', ')}, got '${network}'`,
    );
  }
  if (values.seed !== undefined && network === undefined) {
    throw new BenchUsageError('--seed sets the network plan: it needs --network');
  }
  const browser = values.browser ?? 'chromium';
  if (!(BENCH_BROWSERS as readonly string[]).includes(browser)) {
    throw new BenchUsageError(`--browser must be ${BENCH_BROWSERS.join(', ')}, got '${browser}'`);
  }
  if (browser !== 'chromium' && network !== undefined) {
    // The lab runs each viewer as a Chromium process in its slot's namespace (viewer-browser.ts).
    throw new BenchUsageError(
      `--browser ${browser} is not supported with --network: the network lab runs Chromium ` +
        'viewers only',
    );
  }
  if (browser !== 'chromium' && values['browser-per-viewer'] === true) {
    // Tried on 2026-12-07 (firefox-esr 153): with a Firefox process per viewer, the first viewer's
    // playback froze after 2 s once the second Firefox started, and the second never loaded its
    // manifest; Firefox viewers share one browser (a context each) until that is understood.
    throw new BenchUsageError(
      `--browser ${browser} is not supported with --browser-per-viewer: Firefox viewers share ` +
        'one Firefox, a context each',
    );
  }
  if (browser !== 'chromium' && values.player === 'jwplayer') {
    throw new BenchUsageError(
      `--browser ${browser} is not supported with --player jwplayer: the plain arm is JW Player's ` +
        'open-source build alone, whose only provider (html5) plays HLS through the browser, ' +
        'and Firefox has no native HLS',
    );
  }
  const jwBaseline = values['jw-baseline'] ?? 'native';
  if (jwBaseline !== 'native' && jwBaseline !== 'hlsjs') {
    throw new BenchUsageError(`--jw-baseline must be native or hlsjs, got '${jwBaseline}'`);
  }
  if (values['jw-baseline'] !== undefined && values.player !== 'jwplayer') {
    throw new BenchUsageError('--jw-baseline needs --player jwplayer');
  }
  if (values.player === 'jwplayer' && values['cap-level'] !== undefined) {
    throw new BenchUsageError(
      '--cap-level is not supported with --player jwplayer: the plain arm (native HLS) has no cap',
    );
  }
  const isInteger = Number.isInteger;
  const attackers = numberOption(
    'attackers',
    values.attackers,
    0,
    (n) => isInteger(n) && n >= 0 && n <= MAX_ATTACKERS,
    `0..${MAX_ATTACKERS}`,
  );
  const virtualPeers = numberOption(
    'virtual-peers',
    values['virtual-peers'],
    0,
    (n) => isInteger(n) && n >= 0 && n <= MAX_VIRTUAL_PEERS,
    `0..${MAX_VIRTUAL_PEERS}`,
  );
  if (virtualPeers > 0 && network === undefined) {
    throw new BenchUsageError(
      '--virtual-peers runs viewers in the network lab: it needs --network',
    );
  }
  const modelled =
    (engine === 'hlsjs' && protocol === 'hls') ||
    (engine === 'shaka' &&
      protocol === 'dash' &&
      VIRTUAL_DASH_STREAMS.includes(values.stream ?? 'dash-number'));
  if (virtualPeers > 0 && !modelled) {
    throw new BenchUsageError(
      '--virtual-peers needs hls.js playing HLS or Shaka playing DASH (dash-number or ' +
        'dash-timeline): virtual viewers model those two players',
    );
  }
  return {
    modes: mode === undefined ? ['live', 'vod'] : [mode],
    peers: numberOption(
      'peers',
      values.peers,
      6,
      (n) => isInteger(n) && n >= 1 && n <= 32,
      '1..32',
    ),
    seconds: numberOption('seconds', values.seconds, 180, (n) => n >= 5 && n <= 600, '5..600'),
    staggerSeconds: numberOption('stagger', values.stagger, 3, (n) => n >= 0 && n <= 60, '0..60'),
    stream: values.stream ?? (protocol === 'dash' ? 'dash-number' : 'hls-ts'),
    player: values.player ?? engine,
    engine,
    capLevel:
      values['cap-level'] === undefined
        ? undefined
        : numberOption('cap-level', values['cap-level'], 0, (n) => isInteger(n) && n >= 0, '>= 0'),
    engineConfig: jsonObjectOption('engine-config', values['engine-config']) ?? {},
    shakaConfig: jsonObjectOption('shaka-config', values['shaka-config']),
    attackers,
    attack: attack as BenchAttack,
    trustedHashes: trusted === 'on',
    browserPerViewer: values['browser-per-viewer'] === true || network !== undefined,
    network: network as NetworkScenario | undefined,
    seed: numberOption(
      'seed',
      values.seed,
      DEFAULT_NETWORK_SEED,
      (n) => isInteger(n) && n >= 0 && n <= 0xffff_ffff,
      'an integer 0..4294967295',
    ),
    virtualPeers,
    browser: browser as BenchBrowser,
    jwBaseline,
    repeat: numberOption(
      'repeat',
      values.repeat,
      1,
      (n) => Number.isInteger(n) && n >= 1 && n <= MAX_REPEAT,
      `1..${MAX_REPEAT}`,
    ),
    json: values.json === true,
    outDir: values.out ?? 'artifacts/bench',
  };
}
