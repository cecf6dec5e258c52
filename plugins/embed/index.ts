/** `p2p-media-loader/embed` (in progress). */
export {};
