// index.html's inline script starts the first page's GETs before the bundle
// loads; src/api.js must ask for exactly those paths, so it takes each answer
// instead of asking the server again.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { api, takeFirst } from './api.js';

const html = readFileSync(new URL('../index.html', import.meta.url), 'utf8');
const inline = html.match(/<script>([\s\S]*?)<\/script>/)[1];

/** Run the inline script for a hash; returns the paths it fetched and the window it filled. */
function runInline(hash) {
  const fetched = [];
  const win = {};
  const fakeFetch = (path) => {
    fetched.push(path);
    return Promise.resolve(new Response(JSON.stringify({ path }), { headers: { 'content-type': 'application/json' } }));
  };
  new Function('window', 'location', 'fetch', inline)(win, { hash }, fakeFetch);
  return { fetched, win };
}

afterEach(() => {
  delete globalThis.__koppelFirst;
  vi.unstubAllGlobals();
});

describe('first requests of index.html', () => {
  test.each([
    ['#/country/IRQ', 'IRQ', '', ''],
    ['#/country/IRQ?as_of=2013-01-01&expand=NLD', 'IRQ', '2013-01-01', ''],
    ['#/country/IRQ?as_of=2013-01-01&known_by=2013-06-01', 'IRQ', '2013-01-01', '2013-06-01'],
    ['#/country/somaliland?as_of=not-a-date&known_by=2013', 'somaliland', '', ''],
  ])('%s: the paths src/api.js asks for, each taken once', async (hash, key, asOf, knownBy) => {
    const { fetched, win } = runInline(hash);
    const network = [];
    vi.stubGlobal('fetch', (path) => {
      network.push(path);
      return Promise.resolve(new Response('{}', { headers: { 'content-type': 'application/json' } }));
    });
    globalThis.__koppelFirst = win.__koppelFirst;
    const answers = await Promise.all([api.schema(), api.countries(knownBy), api.country(key, knownBy), api.linkages(key, asOf, knownBy), api.neighbourhood(key, { depth: 1, knownBy })]);
    expect(fetched).toHaveLength(5);
    expect(network).toEqual([]); // every answer came from the inline script's requests
    expect(answers.map((a) => a.path).sort()).toEqual([...fetched].sort());
    // Taken once: the next ask goes to the server.
    await api.schema();
    expect(network).toEqual(['/api/schema']);
  });

  test('home asks for the schema and the country list; a node page not for the list', () => {
    expect(runInline('').fetched).toEqual(['/api/schema', '/api/countries']);
    expect(runInline('#/node/Dossier/terugkeer').fetched).toEqual(['/api/schema']);
  });

  test('home at a known-by date asks for the list known by then, the path api.countries(knownBy) takes', async () => {
    const { fetched, win } = runInline('#/?known_by=2014-01-01');
    expect(fetched).toEqual(['/api/schema', '/api/countries?known_by=2014-01-01']);
    globalThis.__koppelFirst = win.__koppelFirst;
    vi.stubGlobal('fetch', () => Promise.reject(new Error('asked the server again')));
    expect(await api.countries('2014-01-01')).toEqual({ path: '/api/countries?known_by=2014-01-01' });
  });

  test('takeFirst gives nothing for a path not prefetched', () => {
    expect(takeFirst('/api/schema', {})).toBeNull();
    expect(takeFirst('/api/schema', undefined)).toBeNull();
  });
});
