/** `p2p-media-loader/videojs` (in progress). */
export {};
