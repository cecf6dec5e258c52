/** `p2p-media-loader/mediaelement` (in progress). */
export {};
