/** `p2p-media-loader/clappr` (in progress). */
export {};
