import type { Json } from '../core/artifact.js';
import { UsageError } from '../core/errors.js';
import { KEEL_VERSION } from '../registry/version.js';

/**
 * Delivers an alert to a webhook (Slack, a pager, a team's own service) as
 * a JSON POST. Monitoring must not stop because a chat service is down, so
 * a delivery failure is a result, not an exception: the caller records it
 * (with the alert) and moves on. Only a URL that could never work throws.
 *
 * Network errors, timeouts and 5xx answers are retried with doubling waits
 * (the receiver may be restarting); a 4xx is the receiver refusing this
 * request, which sending it again would not change, and a 3xx is not
 * followed, since a redirected POST turns into a GET that delivers nothing.
 */

export interface WebhookOptions {
  /** Per attempt, until the response's headers arrive. Default 5,000. */
  readonly timeoutMs?: number;
  /** Attempts after the first one. Default 2. */
  readonly retries?: number;
  /** Wait before the first retry, doubled before each next one. Default 500. */
  readonly backoffMs?: number;
}

export interface WebhookResult {
  /** The receiver answered 2xx. */
  readonly ok: boolean;
  /** The last answer's HTTP status; null when no answer came (refused, timed out). */
  readonly status: number | null;
  readonly attempts: number;
  /** Why the last attempt failed, for the record; null when ok. */
  readonly error: string | null;
}

export async function postAlert(
  url: string,
  payload: Json,
  options: WebhookOptions = {},
): Promise<WebhookResult> {
  const target = checkWebhookUrl(url);
  const timeoutMs = checkCount(options.timeoutMs ?? 5000, 'timeoutMs', 1);
  const retries = checkCount(options.retries ?? 2, 'retries', 0);
  const backoffMs = checkCount(options.backoffMs ?? 500, 'backoffMs', 0);
  const body = JSON.stringify(payload);
  let last: WebhookResult | undefined;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
    const { status, error } = await attemptPost(target, body, timeoutMs);
    const ok = status !== null && status >= 200 && status < 300;
    last = { ok, status, attempts: attempt, error: ok ? null : error };
    if (ok || (status !== null && status < 500)) return last;
  }
  return last!;
}

/** One POST: the status, or why there was none. Never throws. */
async function attemptPost(
  url: URL,
  body: string,
  timeoutMs: number,
): Promise<{ status: number | null; error: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `keel/${KEEL_VERSION}` },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The answer's body is not needed; cancelling it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    return { status: response.status, error: `the webhook answered HTTP ${response.status}` };
  } catch (error) {
    return { status: null, error: networkError(error, timeoutMs) };
  }
}

function networkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  // fetch reports "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code !== undefined) return `${cause.code}: ${cause.message ?? ''}`.trim();
  return error instanceof Error ? error.message : String(error);
}

/** The URL's own text is never in a message: webhook URLs often carry their secret token. */
/** Refuses (UsageError) a URL that could never take a POST, before any work is done. */
export function checkWebhookUrl(url: string): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(`the webhook ${typeof url === 'string' ? 'is not a URL' : 'URL must be a string'}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw badUrl(`the webhook URL is ${parsed.protocol.slice(0, -1)}:, not http: or https:`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw badUrl(
      'the webhook URL carries a user name or password, which fetch refuses',
      'put the token where the service documents it, in the path or the query',
    );
  }
  return parsed;
}

function badUrl(
  message: string,
  hint = 'give the full address, e.g. https://hooks.example.com/T000/B000',
): UsageError {
  return new UsageError('monitor.bad-webhook', message, { location: { field: 'url' }, hint });
}

function checkCount(value: number, field: string, min: number): number {
  if (Number.isInteger(value) && value >= min) return value;
  throw new UsageError('monitor.bad-webhook', `${field} must be a whole number ≥ ${min}, not ${value}`, {
    location: { field },
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
