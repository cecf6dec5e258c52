/**
 * Compile-time checks (no runtime; `npm run typecheck` covers this file). The adapter declares the
 * hls.js surface it uses structurally (adapters/hlsjs/hlsjs-types.ts) so it works with copies of hls.js
 * it was not compiled against; these checks make `tsc` prove that hls.js 1.7's own types satisfy
 * those declarations and that the mixin keeps hls.js typing.
 */
import type Hls from 'hls.js';
import type { Fragment, HlsConfig, Level, LevelDetails, MediaPlaylist } from 'hls.js';
import type { HlsWithP2PClass } from '../../../adapters/hlsjs/hls-mixin.js';
import type { HlsJsP2PEngine } from '../../../adapters/hlsjs/hlsjs-p2p-engine.js';
import type {
  AudioTrackLike,
  FragmentLike,
  HlsClassLike,
  HlsInstanceLike,
  LevelDetailsLike,
  LevelLike,
} from '../../../adapters/hlsjs/hlsjs-types.js';

type Assignable<From, To> = [From] extends [To] ? true : false;
// The usual exact-equality idiom: the type parameters are there to defer evaluation.
/* eslint-disable @typescript-eslint/no-unnecessary-type-parameters */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/* eslint-enable @typescript-eslint/no-unnecessary-type-parameters */
/** Fails to compile unless `T` is `true`. */
type Expect<T extends true> = T;

type HlsWithP2P = HlsWithP2PClass<typeof Hls>;
type Instance = InstanceType<HlsWithP2P>;
type Config = NonNullable<ConstructorParameters<HlsWithP2P>[0]>;

/** Every entry must be `true`. Exported only so that it counts as used. */
export type HlsTypingChecks = [
  Expect<Assignable<Fragment, FragmentLike>>,
  Expect<Assignable<LevelDetails, LevelDetailsLike>>,
  Expect<Assignable<Level, LevelLike>>,
  Expect<Assignable<MediaPlaylist, AudioTrackLike>>,
  Expect<Assignable<Hls, HlsInstanceLike>>,
  Expect<Assignable<typeof Hls, HlsClassLike>>,
  // the mixin's instances are full Hls instances with the adapter
  Expect<Assignable<Instance, Hls>>,
  Expect<Equal<Instance['p2pEngine'], HlsJsP2PEngine>>,
  // its config is hls.js's plus `p2p`
  Expect<Assignable<Partial<HlsConfig>, Config>>,
  Expect<Assignable<{ p2p: { maxPeers: number } }, Config>>,
  // statics are kept
  Expect<Equal<HlsWithP2P['Events'], (typeof Hls)['Events']>>,
  Expect<Equal<HlsWithP2P['isSupported'], (typeof Hls)['isSupported']>>,
];
