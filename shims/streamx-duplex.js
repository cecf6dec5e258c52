// Stand-in for `streamx` in our UMD bundles (~10 KB gzip smaller). simple-peer's lite build extends
// streamx's Duplex but our engine never uses it as a stream: it calls `send()` and listens to
// 'data', 'connect', 'close' and 'error'. This Duplex keeps exactly what simple-peer relies on:
// `push` (data events in order; like a stream, data pushed before anyone listens is held until the
// first 'data' listener arrives; `push(null)` ends the readable side), `write`/`_write`, `end` →
// `_final` → 'finish', and `destroy` → `_destroy` → 'error'/'close', with `destroyed` set.
// The ESM build keeps the real streamx; browser tests run this bundle.
import { EventEmitter } from 'events';

export class Duplex extends EventEmitter {
  constructor() {
    super();
    this._readableState = { ended: false };
    this._writableState = { ended: false };
    this.destroyed = false;
    this._destroyRequested = false;
    this._heldData = [];
  }

  on(event, listener) {
    super.on(event, listener);
    if (event === 'data' && this._heldData.length > 0) {
      queueMicrotask(() => {
        while (this._heldData.length > 0 && this.listenerCount('data') > 0) {
          this.emit('data', this._heldData.shift());
        }
      });
    }
    return this;
  }

  addListener(event, listener) {
    return this.on(event, listener);
  }

  push(data) {
    if (this.destroyed) return false;
    if (data === null) {
      if (!this._readableState.ended) {
        this._readableState.ended = true;
        queueMicrotask(() => this.emit('end'));
      }
      return false;
    }
    if (this._heldData.length > 0 || this.listenerCount('data') === 0) this._heldData.push(data);
    else this.emit('data', data);
    return true;
  }

  write(chunk, callback) {
    if (this.destroyed || this._writableState.ended) return false;
    this._write(chunk, (error) => {
      if (error) this.destroy(error);
      if (callback) callback(error);
    });
    return true;
  }

  end() {
    if (this._writableState.ended || this.destroyed) return this;
    this._writableState.ended = true;
    const finish = (error) => {
      if (error) this.destroy(error);
      else this.emit('finish');
    };
    if (this._final) this._final(finish);
    else finish(null);
    return this;
  }

  destroy(error) {
    if (this._destroyRequested) return this;
    this._destroyRequested = true;
    if (this._predestroy) this._predestroy();
    const done = (destroyError) => {
      this.destroyed = true;
      const reason = error || destroyError;
      if (reason) this.emit('error', reason);
      this.emit('close');
    };
    if (this._destroy) this._destroy(done);
    else done(null);
    return this;
  }
}

export default { Duplex };
