/**
 * The dispatcher's REST API (Flink's paths and JSON), as the pages call it.
 *
 * By default the UI talks to the server that served it. The query parameter
 * `?dispatcher=http://host:port` points it at another dispatcher (the server must then allow
 * the page's origin); pointed at an address where nothing listens it shows the unreachable state.
 */

const REQUEST_TIMEOUT_MS = 5000;

/** Base URL of the REST API, without a trailing slash ('' = the page's own origin). */
export const apiBase = (() => {
  const param = new URLSearchParams(window.location.search).get('dispatcher');
  return param ? param.replace(/\/+$/, '') : '';
})();

/** Where the dispatcher is, for messages. */
export function dispatcherName() {
  return apiBase || window.location.origin;
}

/**
 * A failed call. `kind` is 'unreachable' (no HTTP answer: connection refused, timeout, ...) or
 * 'http' (an answer with an error status; `status` holds it and `message` the server's errors).
 */
export class ApiError extends Error {
  constructor(kind, method, path, status, message) {
    super(message);
    this.kind = kind;
    this.method = method;
    this.path = path;
    this.status = status;
  }
}

async function call(method, path, body, isForm) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  const init = { method, signal: controller.signal, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    if (isForm) {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
  }
  let response;
  try {
    response = await fetch(apiBase + path, init);
  } catch (e) {
    const why = e.name === 'AbortError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : (e.message || String(e));
    throw new ApiError('unreachable', method, path, 0, `cannot reach the dispatcher at ${dispatcherName()} (${why})`);
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      json = null;
    }
  }
  if (!response.ok) {
    const errors = json && Array.isArray(json.errors) ? json.errors.join('; ') : text.slice(0, 300);
    throw new ApiError('http', method, path, response.status,
      `${method} ${path} answered ${response.status} ${response.statusText}${errors ? ': ' + errors : ''}`);
  }
  return json ?? {};
}

/** GET a JSON document. */
export function get(path) {
  return call('GET', path);
}

/** GET a JSON document, or null when the dispatcher answers with an HTTP error (not when it is unreachable). */
export async function optional(path) {
  try {
    return await call('GET', path);
  } catch (e) {
    if (e instanceof ApiError && e.kind === 'http') {
      return null;
    }
    throw e;
  }
}

/** A request with a JSON body (or none). */
export function send(method, path, body) {
  return call(method, path, body, false);
}

/** POST a multipart form (a jar upload). */
export function postForm(path, formData) {
  return call('POST', path, formData, true);
}
