/** `p2p-media-loader/shared` (in progress). */
export {};
