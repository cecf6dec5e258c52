/**
 * The control API against cross-site request forgery: a web page the developer visits must not be
 * able to inject faults into (or reset) a demo origin on 127.0.0.1. Real origin, real HTTP requests
 * carrying the headers a browser would attach to a cross-site form post or fetch.
 */
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { refuseCrossSiteControl } from '../../../examples/server/control-api.js';
import { startOrigin, type OriginServer } from '../../../examples/server/origin.js';

interface RawResponse {
  readonly status: number;
  readonly body: string;
}

/** One request with exactly these headers (fetch would add or forbid some). */
function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body = '',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

const FAULT = JSON.stringify({ pathPattern: 'seg_001\\.ts$', status: 500 });

let origin: OriginServer;
let mediaDir: string;
let host: string;

beforeAll(async () => {
  mediaDir = await mkdtemp(path.join(os.tmpdir(), 'control-api-'));
  origin = await startOrigin({ mediaDir });
  host = new URL(origin.url).host;
});

afterAll(async () => {
  await origin.stop();
  await rm(mediaDir, { recursive: true, force: true });
});

afterEach(() => {
  origin.faults.clear();
});

describe('control API CSRF guard (over HTTP)', () => {
  it('accepts a same-origin JSON POST from a page and a header-less one from a tool', async () => {
    const fromPage = await rawRequest(
      `${origin.url}/__control/faults`,
      'POST',
      {
        'Content-Type': 'application/json',
        Origin: origin.url,
        'Sec-Fetch-Site': 'same-origin',
      },
      FAULT,
    );
    expect(fromPage.status).toBe(201);
    const fromTool = await rawRequest(
      `${origin.url}/__control/faults`,
      'POST',
      { 'Content-Type': 'application/json; charset=utf-8' },
      FAULT,
    );
    expect(fromTool.status).toBe(201);
    expect(origin.faults.list()).toHaveLength(2);
  });

  it('refuses a cross-origin JSON POST (preflight granted or not) and adds no fault', async () => {
    const response = await rawRequest(
      `${origin.url}/__control/faults`,
      'POST',
      { 'Content-Type': 'application/json', Origin: 'http://attacker.example' },
      FAULT,
    );
    expect(response.status).toBe(403);
    expect(origin.faults.list()).toEqual([]);
  });

  it('refuses a plain form POST from another site (a "simple" request with no preflight)', async () => {
    const response = await rawRequest(
      `${origin.url}/__control/faults`,
      'POST',
      {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'http://attacker.example',
        'Sec-Fetch-Site': 'cross-site',
      },
      `${encodeURIComponent(FAULT)}=`,
    );
    expect(response.status).toBe(403);
    expect(origin.faults.list()).toEqual([]);
  });

  it('refuses a text/plain POST even without Origin (no-cors fetch body smuggling JSON)', async () => {
    const response = await rawRequest(
      `${origin.url}/__control/faults`,
      'POST',
      { 'Content-Type': 'text/plain;charset=UTF-8' },
      FAULT,
    );
    expect(response.status).toBe(415);
    expect(origin.faults.list()).toEqual([]);
  });

  it('refuses cross-site DELETEs and reads, by Sec-Fetch-Site alone', async () => {
    origin.faults.add({ pathPattern: 'x', status: 500 });
    for (const method of ['DELETE', 'GET']) {
      const response = await rawRequest(`${origin.url}/__control/faults`, method, {
        'Sec-Fetch-Site': 'same-site',
      });
      expect(response.status).toBe(403);
    }
    expect(origin.faults.list()).toHaveLength(1);
  });

  it('refuses a DNS-rebinding page whose Origin and Host both name its own domain', async () => {
    const response = await rawRequest(
      `${origin.url}/__control/faults`,
      'POST',
      {
        Host: 'rebind.attacker.example',
        Origin: 'http://rebind.attacker.example',
        'Content-Type': 'application/json',
      },
      FAULT,
    );
    expect(response.status).toBe(403);
    expect(origin.faults.list()).toEqual([]);
  });
});

describe('refuseCrossSiteControl', () => {
  it('is undefined for same-origin requests and explains refusals with a status', () => {
    expect(
      refuseCrossSiteControl('GET', { host, origin: `http://${host}`, 'sec-fetch-site': 'none' }),
    ).toBeUndefined();
    expect(refuseCrossSiteControl('GET', { host: 'localhost:8080' })).toBeUndefined();
    expect(refuseCrossSiteControl('GET', { host: '[::1]:8080' })).toBeUndefined();
    expect(refuseCrossSiteControl('GET', {})?.status).toBe(403);
    expect(refuseCrossSiteControl('GET', { host, origin: 'null' })?.status).toBe(403);
    expect(refuseCrossSiteControl('GET', { host, origin: `https://${host}` })?.status).toBe(403);
    expect(refuseCrossSiteControl('POST', { host })?.status).toBe(415);
    expect(
      refuseCrossSiteControl('POST', { host, 'content-type': 'multipart/form-data; boundary=x' })
        ?.status,
    ).toBe(415);
  });
});
