/**
 * Command-line arguments of `p2p-media-loader-hashes`, parsed by a pure function so they can be
 * tested without starting a process.
 */
import type { ManifestOutputFormat } from './manifest-document.js';

/** What the command line asks for. */
export type HashesCliCommand =
  | {
      readonly kind: 'generate';
      /** A folder, an `.m3u8` playlist or an `.mpd`. */
      readonly input: string;
      /** `--out`; default: `segments-sha256.json` in the folder or next to the playlist. */
      readonly out?: string;
      readonly format: ManifestOutputFormat;
      /** `--sign-key`: private key file (PKCS#8 PEM, or base64/hex of the 32-byte seed). */
      readonly signKey?: string;
      readonly watch: boolean;
      /** `--window`: with `--watch`, list only the newest N segments. */
      readonly window?: number;
    }
  | { readonly kind: 'keygen'; readonly outPrivate: string }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** The text of `--help`. */
export const HASHES_CLI_USAGE = `Usage:
  p2p-media-loader-hashes <folder|playlist.m3u8|manifest.mpd> [options]
  p2p-media-loader-hashes keygen --out-private FILE

Writes the trusted SHA-256 hashes of a stream's media segments (a hash manifest) for
p2p-media-loader: viewers check every segment a peer sends against it.

  <folder>            every media segment file below it (.ts .m4s .mp4 .aac ...; init segments,
                      playlists and hidden files left out), whole
  <playlist.m3u8>     the segments a master or media playlist references (EXT-X-BYTERANGE ranges)
  <manifest.mpd>      the segments an MPD references ($Number$/$Time$ templates, SegmentList,
                      SegmentBase ranges from the sidx)

Options:
  --out FILE          manifest path (default: segments-sha256.json in the folder, or next to the
                      playlist/MPD); keys are paths relative to its folder
  --format ours|peertube
                      ours (default): versioned, keys are relative paths; peertube: PeerTube's
                      segments-sha256.json, keyed by file name (fails when two files share a name)
  --sign-key FILE     also write FILE's Ed25519 signature of the manifest to <out>.sig
  --watch             keep running: hash new segments of a live packager's folder once stable,
                      drop deleted ones, rewrite the manifest (and .sig) atomically
  --window N          with --watch: list only the newest N segments
  -h, --help          this text

keygen writes a new Ed25519 private key (PKCS#8 PEM, mode 0600) to FILE and prints the public key
(base64 of 32 bytes) for the player's configuration. Keep the private key off the web server.`;

function positiveInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^[1-9][0-9]{0,8}$/.test(text)) return undefined;
  return Number(text);
}

/** Parses `argv` (without `node` and the script). */
export function parseHashesCliArgs(argv: readonly string[]): HashesCliCommand {
  if (argv.includes('-h') || argv.includes('--help')) return { kind: 'help' };
  if (argv[0] === 'keygen') {
    if (argv.length === 3 && argv[1] === '--out-private' && argv[2] !== undefined) {
      return { kind: 'keygen', outPrivate: argv[2] };
    }
    return { kind: 'error', message: 'keygen takes exactly --out-private FILE' };
  }
  let input: string | undefined;
  let out: string | undefined;
  let format: ManifestOutputFormat = 'ours';
  let signKey: string | undefined;
  let watch = false;
  let window: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i] ?? '';
    const value = argv[i + 1];
    switch (argument) {
      case '--out':
      case '--sign-key':
      case '--format':
      case '--window':
        if (value === undefined) return { kind: 'error', message: `${argument} needs a value` };
        i += 1;
        if (argument === '--out') out = value;
        else if (argument === '--sign-key') signKey = value;
        else if (argument === '--format') {
          if (value !== 'ours' && value !== 'peertube') {
            return { kind: 'error', message: `--format must be ours or peertube, got "${value}"` };
          }
          format = value;
        } else {
          window = positiveInteger(value);
          if (window === undefined) {
            return {
              kind: 'error',
              message: `--window must be a positive integer, got "${value}"`,
            };
          }
        }
        break;
      case '--watch':
        watch = true;
        break;
      default:
        if (argument.startsWith('-'))
          return { kind: 'error', message: `unknown option ${argument}` };
        if (input !== undefined)
          return { kind: 'error', message: `one input only, got "${argument}" too` };
        input = argument;
    }
  }
  if (input === undefined) return { kind: 'error', message: 'no folder, playlist or MPD given' };
  if (window !== undefined && !watch) return { kind: 'error', message: '--window needs --watch' };
  return {
    kind: 'generate',
    input,
    format,
    watch,
    ...(out === undefined ? {} : { out }),
    ...(signKey === undefined ? {} : { signKey }),
    ...(window === undefined ? {} : { window }),
  };
}
