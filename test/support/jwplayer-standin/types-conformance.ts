/// <reference types="jwplayer" />
/**
 * Compile-time check (no runtime code) that the JW Player surface the plugin declares in
 * plugins/jwplayer/jwplayer-extensions.ts is what `@types/jwplayer` describes, where it describes
 * it: `jwplayer.JWPlayer` must satisfy `JWPlayerLike`, and `JWPlayerStatic` must satisfy
 * `JWPlayerStaticLike` except for `api` (the provider API, which `@types/jwplayer` lacks and the
 * plugin declares itself). `npx tsc -p tsconfig.json --noEmit` fails here when either drifts.
 */
import type {
  JWPlayerLike,
  JWPlayerStaticLike,
} from '../../../plugins/jwplayer/jwplayer-extensions.js';

/** `true` when `Actual` is assignable to `Expected`. */
type Conforms<Actual, Expected> = [Actual] extends [Expected] ? true : false;

/** The player API: every member the plugin calls exists in `@types/jwplayer` with a matching type. */
export const playerConforms: Conforms<jwplayer.JWPlayer, JWPlayerLike> = true;

/** The global: lookup and `version` as in `@types/jwplayer`; `api` is the plugin's own declaration. */
export const staticConforms: Conforms<JWPlayerStatic, Omit<JWPlayerStaticLike, 'api'>> = true;
