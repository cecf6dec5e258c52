/** `p2p-media-loader/flowplayer` (in progress). */
export {};
