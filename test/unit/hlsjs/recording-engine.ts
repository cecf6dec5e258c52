/**
 * A SegmentEngine that forwards every call to the real {@link Engine} (HTTP only in unit tests) and
 * records what the adapter told it, so tests can assert on the adapter's side of the contract.
 */
import type { EngineConfig } from '../../../core/engine/config.js';
import type { LoadSegmentOptions, SegmentEngine } from '../../../core/engine/engine-api.js';
import { Engine } from '../../../core/engine/engine.js';
import type {
  PlaybackState,
  Segment,
  StreamDescriptor,
  StreamUpdate,
} from '../../../core/model/segment.js';

/** One call the adapter made. */
export type EngineCall =
  | { readonly method: 'setSource'; readonly manifestUrl: string }
  | {
      readonly method: 'updateStream';
      readonly stream: StreamDescriptor;
      readonly update: StreamUpdate;
    }
  | { readonly method: 'setActiveStream'; readonly stream: StreamDescriptor }
  | { readonly method: 'setPlayback'; readonly state: PlaybackState }
  | { readonly method: 'loadSegment'; readonly stream: StreamDescriptor; readonly segment: Segment }
  | { readonly method: 'destroy' };

/** Config for unit tests: no tracker, no retries (fast failures). */
export const HTTP_ONLY_CONFIG: Partial<EngineConfig> = {
  p2pDisabled: true,
  httpRetries: 0,
  uploadDisabled: true,
};

/** The real engine, recording the adapter's calls. */
export class RecordingEngine implements SegmentEngine {
  readonly calls: EngineCall[] = [];
  readonly inner: Engine;

  constructor(config: Partial<EngineConfig> = {}) {
    this.inner = new Engine({ ...HTTP_ONLY_CONFIG, ...config });
  }

  get config(): SegmentEngine['config'] {
    return this.inner.config;
  }

  /** The recorded calls of one method. */
  callsOf<M extends EngineCall['method']>(method: M): Extract<EngineCall, { method: M }>[] {
    return this.calls.filter(
      (call): call is Extract<EngineCall, { method: M }> => call.method === method,
    );
  }

  setSource(manifestUrl: string): void {
    this.calls.push({ method: 'setSource', manifestUrl });
    this.inner.setSource(manifestUrl);
  }

  updateStream(stream: StreamDescriptor, update: StreamUpdate): void {
    this.calls.push({ method: 'updateStream', stream, update });
    this.inner.updateStream(stream, update);
  }

  removeStream(streamKey: string): void {
    this.inner.removeStream(streamKey);
  }

  setActiveStream(stream: StreamDescriptor): void {
    this.calls.push({ method: 'setActiveStream', stream });
    this.inner.setActiveStream(stream);
  }

  setPlayback(state: PlaybackState): void {
    this.calls.push({ method: 'setPlayback', state });
    this.inner.setPlayback(state);
  }

  loadSegment(stream: StreamDescriptor, segment: Segment, options?: LoadSegmentOptions) {
    this.calls.push({ method: 'loadSegment', stream, segment });
    return this.inner.loadSegment(stream, segment, options);
  }

  getHttpBandwidthEstimate(): number | undefined {
    return this.inner.getHttpBandwidthEstimate();
  }

  getStats() {
    return this.inner.getStats();
  }

  on: SegmentEngine['on'] = (event, listener) => this.inner.on(event, listener);

  off: SegmentEngine['off'] = (event, listener) => {
    this.inner.off(event, listener);
  };

  destroy(): void {
    this.calls.push({ method: 'destroy' });
    this.inner.destroy();
  }
}
