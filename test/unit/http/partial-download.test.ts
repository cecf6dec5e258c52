import {
  PartialDownload,
  parseContentRange,
  rangeHeaderValue,
  type ResponseHead,
} from '../../../core/http/partial-download.js';

const resource = Uint8Array.from({ length: 100 }, (_, i) => i);

function head(status: number, headers: Partial<Omit<ResponseHead, 'status'>> = {}): ResponseHead {
  return {
    status,
    contentRange: null,
    contentLength: null,
    acceptRanges: null,
    contentEncoding: null,
    ...headers,
  };
}

describe('range headers', () => {
  it('writes an exclusive end as HTTP’s inclusive last byte, or an open range', () => {
    expect(rangeHeaderValue({ start: 10, end: 20 })).toBe('bytes=10-19');
    expect(rangeHeaderValue({ start: 5, end: undefined })).toBe('bytes=5-');
  });

  it('parses Content-Range with an exclusive end and rejects malformed values', () => {
    expect(parseContentRange('bytes 10-19/100')).toEqual({ start: 10, end: 20, total: 100 });
    expect(parseContentRange('bytes 0-0/*')).toEqual({ start: 0, end: 1, total: undefined });
    expect(parseContentRange('bytes 10-200/100')).toBeUndefined();
    expect(parseContentRange('bytes */100')).toBeUndefined();
    expect(parseContentRange(null)).toBeUndefined();
  });
});

describe('PartialDownload', () => {
  it('takes the end of an open-ended range from the Content-Range total', () => {
    const download = new PartialDownload({ start: 60, end: undefined });
    const requested = download.nextRequest();
    expect(requested).toEqual({ start: 60, end: undefined });
    expect(
      download.accept(head(206, { contentRange: 'bytes 60-99/100' }), requested),
    ).toBeUndefined();
    download.append(resource.slice(60));
    expect(download.resourceBytes).toBe(100);
    expect(download.finish()).toEqual(resource.slice(60));
  });

  it('slices an open-ended range out of a 200 whole-resource answer', () => {
    const download = new PartialDownload({ start: 60, end: undefined });
    const requested = download.nextRequest();
    expect(download.accept(head(200, { contentLength: '100' }), requested)).toBeUndefined();
    download.append(resource);
    expect(download.finish()).toEqual(resource.slice(60));
  });

  it('refuses a 200 answer too short to hold any byte of an open-ended range', () => {
    const download = new PartialDownload({ start: 100, end: undefined });
    expect(download.accept(head(200, { contentLength: '100' }), download.nextRequest())).toMatch(
      /shorter than the range/,
    );
  });

  it('accepts a matching 206 and returns exactly its bytes', () => {
    const download = new PartialDownload({ start: 10, end: 20 });
    const requested = download.nextRequest();
    expect(requested).toEqual({ start: 10, end: 20 });
    expect(
      download.accept(head(206, { contentRange: 'bytes 10-19/100' }), requested),
    ).toBeUndefined();
    download.append(resource.slice(10, 20));
    expect(download.finish()).toEqual(resource.slice(10, 20));
  });

  it('rejects a 206 whose Content-Range differs from the request', () => {
    const download = new PartialDownload({ start: 10, end: 20 });
    const requested = download.nextRequest();
    expect(download.accept(head(206, { contentRange: 'bytes 0-9/100' }), requested)).toMatch(
      /does not match the requested bytes=10-19/,
    );
  });

  it('slices a 200 answer to the range and stops reading once the range is complete', () => {
    const download = new PartialDownload({ start: 30, end: 50 });
    expect(
      download.accept(head(200, { contentLength: '100' }), download.nextRequest()),
    ).toBeUndefined();
    expect(download.append(resource.slice(0, 40))).toBe(false);
    expect(download.append(resource.slice(40, 60))).toBe(true);
    expect(download.finish()).toEqual(resource.slice(30, 50));
  });

  it('rejects a 200 answer shorter than the range', () => {
    const download = new PartialDownload({ start: 30, end: 150 });
    expect(download.accept(head(200, { contentLength: '100' }), download.nextRequest())).toMatch(
      /shorter than the range/,
    );
  });

  it('resumes after held bytes of a 206 with only the missing tail, and joins the parts', () => {
    const download = new PartialDownload({ start: 10, end: 60 });
    download.accept(head(206, { contentRange: 'bytes 10-59/100' }), download.nextRequest());
    download.append(resource.slice(10, 25)); // then the connection dies

    const resume = download.nextRequest();
    expect(resume).toEqual({ start: 25, end: 60 });
    expect(download.accept(head(206, { contentRange: 'bytes 25-59/100' }), resume)).toBeUndefined();
    download.append(resource.slice(25, 60));
    expect(download.finish()).toEqual(resource.slice(10, 60));
  });

  it('resumes a whole-resource download when the server advertised byte ranges', () => {
    const download = new PartialDownload(undefined);
    expect(download.nextRequest()).toBeUndefined();
    download.accept(head(200, { contentLength: '100', acceptRanges: 'bytes' }), undefined);
    download.append(resource.slice(0, 70));

    const resume = download.nextRequest();
    expect(resume).toEqual({ start: 70, end: 100 });
    download.accept(head(206, { contentRange: 'bytes 70-99/100' }), resume);
    download.append(resource.slice(70));
    expect(download.finish()).toEqual(resource);
  });

  it('starts over when the server does not support ranges', () => {
    const download = new PartialDownload(undefined);
    download.accept(head(200, { contentLength: '100' }), undefined);
    download.append(resource.slice(0, 70));
    expect(download.nextRequest()).toBeUndefined();
    expect(download.bytesHeld).toBe(0);
  });

  it('reports a body that ends before Content-Length or Content-Range said', () => {
    const whole = new PartialDownload(undefined);
    whole.accept(head(200, { contentLength: '100' }), undefined);
    whole.append(resource.slice(0, 99));
    expect(whole.finish()).toMatch(/received 99 of the 100 bytes/);

    const range = new PartialDownload({ start: 0, end: 10 });
    range.accept(head(206, { contentRange: 'bytes 0-9/100' }), range.nextRequest());
    range.append(resource.slice(0, 12));
    expect(range.finish()).toMatch(/Content-Range announced 10/);
  });

  it('rejects a 206 to a request without Range and unexpected success statuses', () => {
    const download = new PartialDownload(undefined);
    expect(download.accept(head(206, { contentRange: 'bytes 0-9/10' }), undefined)).toMatch(
      /without Range/,
    );
    expect(download.accept(head(204), undefined)).toMatch(/unexpected status 204/);
  });
});
