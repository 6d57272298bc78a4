// Helpers for the OAuth sign-in of `serve --http`: an OAuthClientProvider for the
// official SDK's own auth() that submits the sign-in page as a browser would (GET the page,
// keep its cookie, POST the key with the page's Origin, confirm), a sandbox whose keys include
// a canary key, secret files, and the encodings of a secret a leak check must look for.
import { cpSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SIM_FIXTURES } from './env.mjs';

// A key the sandbox accepts for workspace acme; it must never appear anywhere but in requests to it.
export const CANARY_KEY = 'fini_canary_acme_rw_7Qx9Z2mK4pL8vN3w';

// A copy of the sandbox fixtures whose keys.json adds the canary key (optionally revoked).
export function canaryFixtures(dir, { revoked = false } = {}) {
  const out = join(dir, `fixtures-${revoked ? 'revoked' : 'ok'}-${randomBytes(3).toString('hex')}`);
  cpSync(SIM_FIXTURES, out, { recursive: true });
  const keys = JSON.parse(readFileSync(join(out, 'keys.json'), 'utf8'));
  keys.keys.push({ key: CANARY_KEY, workspace: 'acme', scopes: ['read', 'write'], ...(revoked ? { revoked: true } : {}) });
  writeFileSync(join(out, 'keys.json'), JSON.stringify(keys));
  return out;
}

export function secretFile(dir, secrets) {
  const path = join(dir, `secret-${randomBytes(4).toString('hex')}`);
  writeFileSync(path, `# fini-mcp token secrets, newest first\n${secrets.join('\n')}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
export const newSecret = () => randomBytes(32).toString('hex');

// Every way the secret could show up encoded: itself, URL-encoded, and base64/base64url at the
// three byte alignments (the middle of the encoding does not depend on what surrounds it).
export function leakForms(secret) {
  const forms = new Set([secret, encodeURIComponent(secret)]);
  for (let shift = 0; shift < 3; shift++) {
    const buf = Buffer.concat([Buffer.alloc(shift, 0x41), Buffer.from(secret)]);
    for (const enc of ['base64', 'base64url']) {
      const s = buf.toString(enc);
      forms.add(s.slice(Math.ceil((shift * 4) / 3) + 1, -4));
    }
  }
  return [...forms].filter((f) => f.length >= 12);
}
export function findLeak(text, secret) {
  return leakForms(secret).find((f) => text.includes(f)) ?? null;
}

const hidden = (html, name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1]?.replaceAll('&quot;', '"').replaceAll('&amp;', '&');

// Acts as the browser on the sign-in page. Returns { location, pages: [html...], statuses }.
// `tamper` lets a security test alter the submission (drop the cookie, change Origin, …).
export async function signIn(authorizeUrl, key, { tamper = {}, decision = 'allow' } = {}) {
  const url = new URL(authorizeUrl);
  const pages = [];
  const first = await fetch(url, { redirect: 'manual' });
  const html1 = await first.text();
  pages.push(html1);
  if (first.status !== 200) return { status: first.status, location: first.headers.get('location'), pages, headers: first.headers };
  const cookie = tamper.cookie ?? (first.headers.get('set-cookie') ?? '').split(';')[0];
  const origin = tamper.origin ?? url.origin;
  const post = async (fields) => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    if (cookie) headers.cookie = cookie;
    if (origin) headers.origin = origin;
    const r = await fetch(new URL('/authorize', url), { method: 'POST', redirect: 'manual', headers, body: new URLSearchParams(fields) });
    const text = await r.text();
    pages.push(text);
    return { r, text };
  };
  const step1 = await post({ request: hidden(html1, 'request'), key });
  if (step1.r.status !== 200 || !step1.text.includes('name="pending"')) {
    return { status: step1.r.status, location: step1.r.headers.get('location'), pages, headers: step1.r.headers, firstHeaders: first.headers };
  }
  const step2 = await post({ pending: hidden(step1.text, 'pending'), decision });
  return { status: step2.r.status, location: step2.r.headers.get('location'), pages, headers: step2.r.headers, firstHeaders: first.headers, confirmHtml: step1.text };
}

// An OAuthClientProvider kept in memory, storing what the SDK hands it unchanged.
export class TestProvider {
  constructor(key, { redirectUrl = 'http://127.0.0.1:1/callback', clientMetadataUrl, name = 'fini-mcp e2e' } = {}) {
    this.key = key;
    this._redirect = redirectUrl;
    this.clientMetadataUrl = clientMetadataUrl;
    this.name = name;
    this.info = undefined;
    this.toks = undefined;
    this.verifier = '';
    this.code = undefined;
    this.signIns = [];
    this.tokenHistory = [];
  }
  get redirectUrl() { return this._redirect; }
  get clientMetadata() {
    return { client_name: this.name, redirect_uris: [this._redirect], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  state() { this.lastState = randomBytes(16).toString('hex'); return this.lastState; }
  clientInformation() { return this.info; }
  saveClientInformation(i) { this.info = i; }
  tokens() { return this.toks; }
  saveTokens(t) { this.toks = t; this.tokenHistory.push(t); }
  saveCodeVerifier(v) { this.verifier = v; }
  codeVerifier() { return this.verifier; }
  invalidateCredentials(scope) {
    if (scope === 'all' || scope === 'client') this.info = undefined;
    if (scope === 'all' || scope === 'tokens') this.toks = undefined;
  }
  async redirectToAuthorization(url) {
    this.authorizeUrl = url;
    const result = await signIn(url, this.key);
    this.signIns.push(result);
    if (!result.location) throw new Error(`sign-in did not redirect (HTTP ${result.status})`);
    const loc = new URL(result.location);
    if (loc.origin + loc.pathname !== new URL(this._redirect).origin + new URL(this._redirect).pathname) throw new Error('redirected elsewhere');
    if (loc.searchParams.get('state') !== url.searchParams.get('state')) throw new Error('state was not echoed');
    this.code = loc.searchParams.get('code');
  }
}
