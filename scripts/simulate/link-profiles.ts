/**
 * Who watches: the access links and NATs the simulator gives its viewers, drawn per viewer from
 * documented distributions of home broadband and mobile (4G/5G) access. The numbers are medians and
 * spreads as public measurement reports give them (named below, with years); they describe
 * populations, not one network, and the simulator's conclusions should hold across the spread
 * rather than depend on the exact medians.
 *
 * Rates are log-normal (a median and a sigma of the natural log), clamped to a plausible range:
 * measured speed distributions are right-skewed with a long slow tail (DSL, rural lines, a weak
 * mobile signal), which a log-normal reproduces with two numbers. Uplink and downlink of one viewer
 * are correlated (a fibre line is fast both ways, a DSL line slow both ways). Latency is the one-way
 * delay from the viewer to the internet core (half an idle round trip to a nearby server); jitter is
 * the largest extra delay per transfer (viewer-link.ts draws it uniformly); loss is the packet loss
 * rate (viewer-link.ts turns it into retransmission delays).
 *
 * Sources (medians rounded; the reports measure subscribed and tested speeds, not a video viewer's
 * share of them, so these are upper bounds of what one tab gets):
 * - Home: FCC Measuring Broadband America, fixed reports 2022–2023 (most panellists on 100+ Mbit/s
 *   cable and fibre tiers, DSL at a few Mbit/s; idle latency 10–30 ms round trip on cable/fibre,
 *   more on DSL; loss 0.1–0.5 % under load); Ofcom UK Home Broadband Performance 2023 (median
 *   download ~70 Mbit/s, upload ~20 Mbit/s, slowest decile below 10 Mbit/s down and ~1 Mbit/s up on
 *   ADSL); Ookla Speedtest Global Index 2024 (fixed: median ~90 Mbit/s down, ~45 up worldwide, far
 *   lower uplinks on cable and DSL).
 * - Mobile: Opensignal mobile network experience reports 2023–2024 (4G/5G download 20–60 Mbit/s
 *   depending on country, upload 7–12 Mbit/s, 4G latency 40–70 ms round trip); Ookla Speedtest
 *   Global Index 2024 (mobile: median ~50 Mbit/s down, ~10 up, ~25–30 ms idle round trip to a
 *   nearby server, much more under load).
 * - NAT: no single report; the shares follow what WebRTC deployments commonly report (roughly
 *   10–20 % of sessions need a TURN relay, i.e. meet a symmetric NAT or a firewall) and the
 *   spread of carrier-grade NAT (RFC 6888) on mobile networks, most of which map per destination
 *   (symmetric behaviour). They are the least certain numbers here: vary them before trusting a
 *   conclusion that depends on them.
 */
import type { LinkProfile, NatType } from './viewer-link.js';

/** The viewer populations: all home broadband, all mobile, or a mix of both. */
export type ProfileMixName = 'home' | 'mobile' | 'mix';

/** Access kinds a viewer is drawn from. */
export type AccessKind = 'home' | 'mobile';

/** A clamped log-normal distribution. */
export interface LogNormalParameters {
  /** Median of the distribution (in the quantity's unit). */
  readonly median: number;
  /** Standard deviation of the natural logarithm (0.5: the middle 68 % within ×/÷ 1.65). */
  readonly sigma: number;
  /** Draws below this are raised to it. */
  readonly min: number;
  /** Draws above this are lowered to it. */
  readonly max: number;
}

/** The distributions of one access kind. Rates are real (unscaled) bits per second. */
export interface AccessProfileParameters {
  /** Downlink rate, bits per second. */
  readonly downBitsPerSecond: LogNormalParameters;
  /** Uplink rate, bits per second. */
  readonly upBitsPerSecond: LogNormalParameters;
  /** Correlation of the uplink's and the downlink's log-normal draws (0: independent). */
  readonly upDownCorrelation: number;
  /** One-way delay viewer ↔ internet core, ms. */
  readonly latencyMs: LogNormalParameters;
  /** Largest extra delay per transfer, ms. */
  readonly jitterMs: LogNormalParameters;
  /** Packet loss probability, 0..1. */
  readonly loss: LogNormalParameters;
  /** Share of each NAT type; sums to 1. */
  readonly nat: Readonly<Record<NatType, number>>;
}

const MBIT = 1_000_000;

/**
 * The distributions per access kind (see the file's comment for the sources). Printed by the
 * simulator's report next to its results.
 */
export const PROFILE_TABLE: Readonly<Record<AccessKind, AccessProfileParameters>> = {
  home: {
    // Median 100 Mbit/s; sigma 1.0 puts the slowest 5 % below ~19 Mbit/s, 1 % below ~10.
    downBitsPerSecond: { median: 100 * MBIT, sigma: 1.0, min: 2 * MBIT, max: 1000 * MBIT },
    // Median 15 Mbit/s (cable and DSL uplinks are a tenth of the downlink; fibre is symmetric);
    // sigma 1.2 puts 5 % below ~2 Mbit/s and the DSL tail near 1 Mbit/s.
    upBitsPerSecond: { median: 15 * MBIT, sigma: 1.2, min: 0.5 * MBIT, max: 1000 * MBIT },
    upDownCorrelation: 0.6,
    // 10–30 ms one way for most lines (cable/fibre ~10–15, DSL 20–30).
    latencyMs: { median: 15, sigma: 0.4, min: 5, max: 60 },
    jitterMs: { median: 3, sigma: 0.5, min: 0.5, max: 20 },
    // 0.1–0.5 %.
    loss: { median: 0.002, sigma: 0.5, min: 0.0005, max: 0.01 },
    nat: { open: 0.1, cone: 0.75, symmetric: 0.15 },
  },
  mobile: {
    // Median 40 Mbit/s, wide: 5 % below ~9 Mbit/s (weak signal, busy cell), 5 % above ~175 (5G).
    downBitsPerSecond: { median: 40 * MBIT, sigma: 0.9, min: 1 * MBIT, max: 500 * MBIT },
    upBitsPerSecond: { median: 8 * MBIT, sigma: 0.8, min: 0.5 * MBIT, max: 100 * MBIT },
    upDownCorrelation: 0.6,
    // 25–60 ms one way (radio scheduling and the mobile core add to the path).
    latencyMs: { median: 35, sigma: 0.35, min: 15, max: 150 },
    jitterMs: { median: 10, sigma: 0.5, min: 2, max: 60 },
    // ~1 %.
    loss: { median: 0.01, sigma: 0.5, min: 0.002, max: 0.05 },
    // Carrier-grade NAT maps per destination on most networks.
    nat: { open: 0.05, cone: 0.35, symmetric: 0.6 },
  },
};

/** Share of each access kind in each population; each row sums to 1. */
export const PROFILE_MIXES: Readonly<Record<ProfileMixName, Readonly<Record<AccessKind, number>>>> =
  {
    home: { home: 1, mobile: 0 },
    mobile: { home: 0, mobile: 1 },
    // Roughly how streaming audiences split between living-room/desktop and phones on cellular.
    mix: { home: 0.7, mobile: 0.3 },
  };

/** One viewer's access: its link (rates scaled), NAT and kind. */
export interface ViewerProfile {
  readonly link: LinkProfile;
  readonly nat: NatType;
  readonly kind: AccessKind;
}

/** A standard normal draw (Box–Muller; two uniform draws per call, so sequences stay aligned). */
function standardNormal(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(0) never happens
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function fromLogNormal(parameters: LogNormalParameters, z: number): number {
  const value = parameters.median * Math.exp(parameters.sigma * z);
  return Math.min(parameters.max, Math.max(parameters.min, value));
}

function drawNat(shares: Readonly<Record<NatType, number>>, random: () => number): NatType {
  const draw = random();
  if (draw < shares.open) return 'open';
  if (draw < shares.open + shares.cone) return 'cone';
  return 'symmetric';
}

/**
 * Draws one viewer's access from a population.
 *
 * @param mix - the population ({@link PROFILE_MIXES})
 * @param random - the simulation's seeded random source; a fixed number of draws per call (10)
 * @param scale - factor on both rates: the same factor segment sizes are scaled by (1 = real sizes),
 *   so transfer times stay those of the real content on the real link
 */
export function drawViewerProfile(
  mix: ProfileMixName,
  random: () => number,
  scale: number,
): ViewerProfile {
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`scale must be a positive number, got ${scale}`);
  }
  const kind: AccessKind = random() < PROFILE_MIXES[mix].home ? 'home' : 'mobile';
  const parameters = PROFILE_TABLE[kind];
  const downZ = standardNormal(random);
  const ownZ = standardNormal(random);
  const rho = parameters.upDownCorrelation;
  const upZ = rho * downZ + Math.sqrt(1 - rho * rho) * ownZ;
  const link: LinkProfile = {
    downBitsPerSecond: fromLogNormal(parameters.downBitsPerSecond, downZ) * scale,
    upBitsPerSecond: fromLogNormal(parameters.upBitsPerSecond, upZ) * scale,
    latencyMs: fromLogNormal(parameters.latencyMs, standardNormal(random)),
    // One normal draw for jitter and loss together: a noisy line is noisy in both.
    ...jitterAndLoss(parameters, standardNormal(random)),
  };
  return { link, nat: drawNat(parameters.nat, random), kind };
}

function jitterAndLoss(
  parameters: AccessProfileParameters,
  z: number,
): Pick<LinkProfile, 'jitterMs' | 'loss'> {
  return {
    jitterMs: fromLogNormal(parameters.jitterMs, z),
    loss: fromLogNormal(parameters.loss, z),
  };
}

/** {@link PROFILE_TABLE} and {@link PROFILE_MIXES} as a Markdown table, for reports and docs. */
export function profileTableMarkdown(): string {
  const mbit = (p: LogNormalParameters): string =>
    `${p.median / MBIT} (σ ${p.sigma}, ${p.min / MBIT}–${p.max / MBIT})`;
  const plain = (p: LogNormalParameters, unit = ''): string =>
    `${p.median}${unit} (σ ${p.sigma}, ${p.min}–${p.max})`;
  const percent = (p: LogNormalParameters): string =>
    `${p.median * 100} % (σ ${p.sigma}, ${p.min * 100}–${p.max * 100} %)`;
  const rows = (Object.keys(PROFILE_TABLE) as AccessKind[]).map((kind) => {
    const p = PROFILE_TABLE[kind];
    const nat = `${p.nat.open * 100}/${p.nat.cone * 100}/${p.nat.symmetric * 100}`;
    return `| ${kind} | ${mbit(p.downBitsPerSecond)} | ${mbit(p.upBitsPerSecond)} | ${plain(p.latencyMs, ' ms')} | ${plain(p.jitterMs, ' ms')} | ${percent(p.loss)} | ${nat} |`;
  });
  const mixes = (Object.keys(PROFILE_MIXES) as ProfileMixName[])
    .map(
      (name) =>
        `${name}: ${PROFILE_MIXES[name].home * 100} % home, ${PROFILE_MIXES[name].mobile * 100} % mobile`,
    )
    .join('; ');
  return [
    '| access | down Mbit/s (median) | up Mbit/s (median) | one-way latency | jitter | loss | NAT open/cone/symmetric % |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Log-normal medians, σ of the log, clamped range. Populations: ${mixes}.`,
  ].join('\n');
}

/** Link rate of the lab profile, bits/s (before scaling): a veth pair is far faster than media. */
export const LAB_LINK_BITS_PER_SECOND = 1e9;

/**
 * The network lab's `clean` scenario (issue 16) as a simulated viewer: namespaces joined by veth
 * pairs with no shaping, no loss and no NAT, so every link is fast, near-instant and reachable.
 * Used to run the lab's 30-viewer scenario in the simulator for validation (docs/SCALE.md). What
 * it cannot carry over: the lab's viewers share two CPU cores, which delays them; simulated
 * viewers run on a virtual clock and never wait for a CPU.
 */
export function labCleanProfile(scale: number): ViewerProfile {
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`scale must be a positive number, got ${scale}`);
  }
  return {
    link: {
      downBitsPerSecond: LAB_LINK_BITS_PER_SECOND * scale,
      upBitsPerSecond: LAB_LINK_BITS_PER_SECOND * scale,
      latencyMs: 0.05,
      jitterMs: 0,
      loss: 0,
    },
    nat: 'open',
    kind: 'home',
  };
}
