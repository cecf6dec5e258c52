/** `p2p-media-loader/jwplayer` (in progress). */
export {};
