/** DASH identity rules: stream keys and segment ids every DASH adapter shares. */
export {
  DEFAULT_ID_TIMESCALE,
  dashSegmentId,
  dashStreamKey,
  parseIsoDurationSeconds,
  readMpdAddressing,
  type RepresentationAddressing,
} from './mpd-addressing.js';
export {
  compileSegmentTemplate,
  type CompiledTemplate,
  type TemplateMatch,
} from './segment-template.js';
