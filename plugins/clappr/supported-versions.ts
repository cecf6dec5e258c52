/**
 * Clappr versions our plugins declare (Clappr's loader logs a warning outside the range). The
 * members used (CorePlugin, UICorePlugin, HTML5Video, container/core events) are those of the
 * 0.4+ core; tested with 0.17.
 */
export const SUPPORTED_CLAPPR_VERSIONS = { min: '0.4.0', max: '1.0.0' } as const;
