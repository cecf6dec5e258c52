/**
 * The players' and engines' browser builds from node_modules that pages load with script tags
 * (examples, test pages, benchmark pages), by URL prefix. One list so the demo, the tests and the
 * benchmark serve the same files; never fetched from anywhere but this machine.
 */
import path from 'node:path';

/** Package folders (below node_modules) whose built files pages load. */
const VENDOR_FOLDERS = [
  'hls.js/dist',
  'shaka-player/dist',
  'video.js/dist',
  '@clappr/core/dist',
  '@clappr/hlsjs-playback/dist',
  'mediaelement/build',
  'flowplayer/dist',
  '@flowplayer/player',
] as const;

/** `{ '/node_modules/<folder>': '<rootDir>/node_modules/<folder>' }` for every vendor folder. */
export function vendorStaticDirs(rootDir: string): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const folder of VENDOR_FOLDERS) {
    dirs[`/node_modules/${folder}`] = path.join(rootDir, 'node_modules', folder);
  }
  return dirs;
}
