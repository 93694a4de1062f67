// The explorer talks only to koppel's public HTTP API, same origin.

export class ApiError extends Error {
  constructor({ title, detail, status, type }) {
    super(detail ? `${title}: ${detail}` : title);
    this.title = title;
    this.detail = detail ?? '';
    this.status = status ?? 0;
    this.type = type ?? 'about:blank';
  }
}

/**
 * An ApiError from a failed response's status and body: problem+json
 * (`title`, `detail`) where given, else FastAPI's `{"detail": ...}`, else
 * the status text.
 */
export function problemFrom(status, body, statusText = '') {
  if (body && typeof body === 'object') {
    let detail = body.detail;
    if (Array.isArray(detail)) detail = detail.map((d) => d?.msg ?? JSON.stringify(d)).join('; ');
    else if (detail && typeof detail === 'object') detail = JSON.stringify(detail);
    return new ApiError({
      title: body.title ?? (statusText || `HTTP ${status}`),
      detail: detail ?? '',
      status: body.status ?? status,
      type: body.type,
    });
  }
  const text = typeof body === 'string' ? body.trim().slice(0, 500) : '';
  return new ApiError({ title: statusText || `HTTP ${status}`, detail: text, status });
}

/**
 * The response to a GET that index.html's inline script started before the
 * bundle loaded (`window.__koppelFirst`, keyed by path), taken once; else null.
 */
export function takeFirst(path, store = globalThis.__koppelFirst) {
  if (!store || !Object.hasOwn(store, path)) return null;
  const pending = store[path];
  delete store[path];
  return pending;
}

async function request(method, path, { body, token, signal } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    const first = method === 'GET' && !signal ? takeFirst(path) : null;
    res = await (first ?? fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal }));
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError({ title: 'network', detail: String(err?.message ?? err), status: 0 });
  }
  const type = res.headers.get('content-type') ?? '';
  let data = null;
  if (type.includes('json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  } else {
    data = await res.text();
  }
  if (!res.ok) throw problemFrom(res.status, data, res.statusText);
  return data;
}

const q = (params) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, v);
  const str = s.toString();
  return str ? `?${str}` : '';
};
const enc = encodeURIComponent;

export const api = {
  // knownBy: the list as sources dated by then stated it (the server's known_by).
  countries: (knownBy) => request('GET', `/api/countries${q({ known_by: knownBy })}`),
  // knownBy (YYYY-MM-DD or ''): only what sources dated by then stated (the server's known_by).
  country: (iso3, knownBy) => request('GET', `/api/countries/${enc(iso3)}${q({ known_by: knownBy })}`),
  linkages: (iso3, asOf, knownBy) => request('GET', `/api/countries/${enc(iso3)}/linkages${q({ as_of: asOf, known_by: knownBy })}`),
  node: (label, key, knownBy) => request('GET', `/api/nodes/${enc(label)}/${enc(key)}${q({ known_by: knownBy })}`),
  neighbourhood: (key, { depth = 1, labels, limit, knownBy } = {}) =>
    request('GET', `/api/graph/neighbourhood${q({ key, depth, labels, limit, known_by: knownBy })}`),
  path: (from, to) => request('GET', `/api/graph/path${q({ from, to })}`),
  search: (text, signal) => request('GET', `/api/search${q({ q: text })}`, { signal }),
  queries: () => request('GET', '/api/queries'),
  runQuery: (name, params) => request('POST', `/api/queries/${enc(name)}`, { body: { params } }),
  cypher: (cypher, params, token) => request('POST', '/api/cypher', { body: { cypher, params }, token }),
  evidence: (locator) => request('GET', `/api/evidence${q({ locator })}`),
  schema: () => request('GET', '/api/schema'),
  capabilities: () => request('GET', '/api/capabilities'),
  returns: (iso3, knownBy) => request('GET', `/api/countries/${enc(iso3)}/returns${q({ known_by: knownBy })}`),
  similar: (iso3, knownBy) => request('GET', `/api/analyse/similar/${enc(iso3)}${q({ top: 5, known_by: knownBy })}`),
  brokers: (iso3, knownBy) => request('GET', `/api/analyse/brokers/${enc(iso3)}${q({ known_by: knownBy })}`),
  views: () => request('GET', '/api/views'),
  saveView: (name, hash) => request('POST', '/api/views', { body: { name, hash } }),
  deleteView: (id) => request('DELETE', `/api/views/${enc(id)}`),
  /** The URL of a country brief: HTML (printable) or PDF. */
  briefUrl: (iso3, { lang, asOf, knownBy, format } = {}) => `/api/countries/${enc(iso3)}/brief${q({ lang, as_of: asOf, known_by: knownBy, format })}`,
};
