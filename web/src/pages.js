// The pages of the side panel: the country list, a country page (return
// cooperation, linkages, dossiers, timeline...), a page for any other node,
// and the evidence box that shows a cited passage.

import { api } from './api.js';
import { h, mount, svg } from './dom.js';
import { displayName, isActiveAt, labelName, refName, legendShapeSvg, parseLocator, relName, styleFor, timelinePoints, viaText, viewToHash } from './graph.js';
import { fmtDate, fmtNumber, getLang, t, tv } from './i18n.js';

const LEVEL_ORDER = ['refuses', 'not_willing', 'difficult', 'slightly_improved', 'increased', 'good'];
const COUNT_COLS = ['dossiers', 'agreements', 'linkages', 'events'];
const TREND_ARROW = { improving: '↗', stable: '→', worsening: '↘', unknown: '?' };
const RETURNS_ARROW = { rising: '↗', stable: '→', falling: '↘' };

export function renderPage(app, root) {
  const { state } = app;
  root.setAttribute('aria-busy', String(state.loading));
  if (state.loading) {
    mount(root, h('p', { class: 'loading' }, t('loading')));
    return;
  }
  if (state.route.kind === 'country' && state.country) mount(root, countryPage(app));
  else if (state.route.kind === 'compare') mount(root, comparePage(app));
  else if (state.route.kind === 'node' && state.node) mount(root, nodePage(app));
  else if (state.route.kind === 'home') mount(root, homePage(app));
  else root.replaceChildren();
}

// -- small pieces ------------------------------------------------------------------------

function labelSwatch(label) {
  const s = styleFor(label);
  return svg(legendShapeSvg(s.shape), { class: 'swatch', fill: s.color });
}

function chip(text, cls = '') {
  return text ? h('span', { class: `chip ${cls}` }, text) : null;
}

function levelChip(level) {
  const i = LEVEL_ORDER.indexOf(level);
  return chip(tv('level', level), `level level-${i < 0 ? 'x' : i}`);
}

/** Buttons that show each cited passage in the evidence box. */
function sourceButtons(app, sources, anchorId) {
  if (!sources?.length) return null;
  return h(
    'span',
    { class: 'sources' },
    sources.map((loc, i) => {
      const p = parseLocator(loc);
      const short = p ? (p.from === p.to ? `L${p.from}` : `L${p.from}–${p.to}`) : loc;
      return h(
        'button',
        {
          type: 'button',
          class: 'source',
          testid: 'source-button',
          title: t('source.show', { loc }),
          'aria-label': `${short}: ${t('source.show', { loc })}`,
          onclick: (e) => showEvidence(app, sources, i, anchorId, e.currentTarget),
        },
        short,
      );
    }),
  );
}

function section(title, items, renderItem, { testid, open = true } = {}) {
  return h(
    'details',
    { class: 'section', open, testid },
    h('summary', {}, h('h3', {}, title, h('span', { class: 'count' }, String(items.length)))),
    items.length ? h('ul', { class: 'items' }, items.map(renderItem)) : h('p', { class: 'hint' }, t('section.empty')),
  );
}

/** `via` is a relationship type or a list of them. */
function via(item) {
  return viaText(item?.via, getLang());
}

/** The passages for an item: its relationship's evidence, then its own sources. */
function itemSources(item) {
  return [...new Set([...(item.evidence ?? []), ...(item.sources ?? [])])];
}

function itemButton(app, item, ...meta) {
  const lang = getLang();
  return h(
    'button',
    { type: 'button', class: 'item', onclick: () => app.focusItem(item), title: displayName(item, getLang()) },
    labelSwatch(item.label),
    h('span', { class: 'item-name' }, displayName(item, lang)),
    h('span', { class: 'item-meta' }, meta.filter(Boolean).join(' · ')),
  );
}

function itemRow(app, item, ...meta) {
  const anchor = `item-${item.key}`;
  return h('li', { id: anchor }, itemButton(app, item, ...meta), sourceButtons(app, itemSources(item), anchor));
}

// -- home --------------------------------------------------------------------------------

const homeState = { sort: 'country', dir: 1, text: '', level: '', trend: '', visa: '', region: '', returns: '', all: false };

/**
 * A country of origin: one whose return cooperation is assessed or with
 * which a linkage is made; the Netherlands and states that appear only as
 * partners, donors or destinations are left out (unless "show all").
 * A `role` field from the API, where present, decides.
 */
export function isOrigin(c) {
  if (c.role) return c.role === 'origin';
  if (c.key === 'NLD') return false;
  return Boolean(c.return_cooperation) || (c.counts?.linkages ?? 0) > 0;
}

// Visa requirement, region and returns trend are not in GET /api/countries: they
// are read from each country of origin's profile once, in the background.
// Read as known by the list's known-by date: a profile's items are the ones its sources stated by then.
const details = new Map(); // `${knownBy}|${key}` -> {visa, region, returns}
const detailKey = (knownBy, key) => `${knownBy}|${key}`;
let detailsLoading = false;

async function loadDetails(app, keys) {
  if (detailsLoading) return;
  detailsLoading = true;
  const knownBy = app.state.knownBy ?? '';
  const queue = keys.filter((k) => !details.has(detailKey(knownBy, k)));
  const worker = async () => {
    // Only while the home list is shown: a country page's own requests must not wait behind these.
    while (queue.length && app.state.route.kind === 'home' && (app.state.knownBy ?? '') === knownBy) {
      const key = queue.shift();
      try {
        const p = await api.country(key, knownBy);
        const region = (p.groups ?? []).find((g) => g.kind === 'regional_organisation' || g.kind === 'region');
        const visa = (p.visa ?? []).find((v) => v.destination === 'NLD') ?? (p.visa ?? [])[0];
        details.set(detailKey(knownBy, key), {
          visa: typeof visa?.visa_required === 'boolean' ? visa.visa_required : null,
          region: region ? { key: region.key, nl: displayName(region, 'nl'), en: displayName(region, 'en') } : null,
          returns: p.returns?.trend?.netherlands?.direction && p.returns.trend.netherlands.direction !== 'unknown' ? p.returns.trend.netherlands.direction : null,
        });
      } catch {
        details.set(detailKey(knownBy, key), { visa: null, region: null, returns: null });
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  detailsLoading = false;
  if (app.state.route.kind === 'home') app.render();
}

let listKnownBy = ''; // the known-by date of the home list being drawn (set by homePage)
const detailOf = (c) => details.get(detailKey(listKnownBy, c.key));
const visaOf = (c) => (typeof c.visa_required === 'boolean' ? c.visa_required : detailOf(c)?.visa ?? null);
const regionOf = (c) => c.region ?? detailOf(c)?.region?.[getLang()] ?? null;
const returnsTrendOf = (c) => c.returns_trend ?? detailOf(c)?.returns ?? null;

function homeColumns(lang) {
  return [
    { id: 'country', name: t('home.col.country'), value: (c) => displayName(c, lang), text: true },
    { id: 'return', name: t('home.col.return'), value: (c) => { const i = LEVEL_ORDER.indexOf(c.return_cooperation?.level ?? ''); return i < 0 ? LEVEL_ORDER.length : i; } }, // unknown last
    { id: 'trend', name: t('home.col.trend'), value: (c) => c.return_cooperation?.trend ?? '', text: true },
    { id: 'visa', name: t('home.col.visa'), value: (c) => (visaOf(c) === null ? -1 : Number(visaOf(c))), optional: (cs) => cs.some((c) => visaOf(c) !== null) },
    { id: 'region', name: t('home.col.region'), value: (c) => regionOf(c) ?? '', text: true, optional: (cs) => cs.some((c) => regionOf(c)) },
    { id: 'returns', name: t('home.col.returns'), value: (c) => returnsTrendOf(c) ?? '', text: true, optional: (cs) => cs.some((c) => returnsTrendOf(c)) },
    ...COUNT_COLS.map((k) => ({ id: k, name: t(`home.col.${k}`), value: (c) => c.counts?.[k] ?? 0, num: true })),
  ];
}

function homePage(app) {
  const lang = getLang();
  const all = app.state.countries ?? [];
  const pool = homeState.all ? all : all.filter(isOrigin);
  listKnownBy = app.state.knownBy ?? '';
  if (pool.some((c) => !detailOf(c)) && pool.length <= 60) loadDetails(app, pool.map((c) => c.key));
  const cols = homeColumns(lang).filter((c) => !c.optional || c.optional(pool));
  const text = homeState.text.trim().toLowerCase();
  const rows = pool.filter(
    (c) =>
      (!text || `${c.name ?? ''} ${c.name_en ?? ''} ${c.key}`.toLowerCase().includes(text)) &&
      (!homeState.level || c.return_cooperation?.level === homeState.level) &&
      (!homeState.trend || c.return_cooperation?.trend === homeState.trend) &&
      (!homeState.visa || String(visaOf(c)) === homeState.visa) &&
      (!homeState.region || regionOf(c) === homeState.region) &&
      (!homeState.returns || returnsTrendOf(c) === homeState.returns),
  );
  const col = cols.find((c) => c.id === homeState.sort) ?? cols[0];
  rows.sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    const d = col.text ? String(x).localeCompare(String(y)) : x - y;
    return homeState.dir * (d || displayName(a, lang).localeCompare(displayName(b, lang)));
  });
  const rerender = () => {
    const focusedId = document.activeElement?.id;
    app.render();
    if (focusedId) document.getElementById(focusedId)?.focus();
  };
  const select = (id, label, key, options) =>
    h(
      'label',
      { for: id },
      label,
      h(
        'select',
        { id, onchange: (e) => { homeState[key] = e.target.value; rerender(); } },
        h('option', { value: '' }, t('home.filter.all')),
        options.map(([v, name]) => h('option', { value: v, selected: homeState[key] === v ? true : null }, name)),
      ),
    );
  const levels = [...new Set(pool.map((c) => c.return_cooperation?.level).filter(Boolean))].sort((a, b) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b));
  const trends = [...new Set(pool.map((c) => c.return_cooperation?.trend).filter(Boolean))];
  const regions = [...new Set(pool.map(regionOf).filter(Boolean))].sort();
  return h(
    'div',
    { class: 'home', testid: 'home' },
    h('h2', { tabindex: '-1' }, t('home.heading')),
    h('p', { class: 'intro' }, t('home.intro')),
    h(
      'p',
      { class: 'intro-links' },
      t('home.links', { sources: '\u0000', docs: '\u0001' }).split(/(\u0000|\u0001)/).map((part) =>
        part === '\u0000'
          ? h('a', { href: '#/node/Document/kamerbrief-2014-02-25-strategische-landenbenadering-migratie' }, t('home.link.sources'))
          : part === '\u0001'
            ? h('a', { href: '/docs' }, t('home.link.docs'))
            : part,
      ),
    ),
    h(
      'form',
      { class: 'home-filters', role: 'search', 'aria-label': t('home.filter'), onsubmit: (e) => e.preventDefault() },
      h('label', { for: 'home-text' }, t('home.filter.text'), h('input', { id: 'home-text', type: 'search', value: homeState.text, testid: 'home-filter-text', oninput: (e) => { homeState.text = e.target.value; rerender(); } })),
      select('home-level', t('home.filter.level'), 'level', levels.map((l) => [l, tv('level', l)])),
      select('home-trend', t('home.filter.trend'), 'trend', trends.map((l) => [l, tv('trend', l)])),
      cols.some((c) => c.id === 'visa') ? select('home-visa', t('home.filter.visa'), 'visa', [['true', t('visa.yes')], ['false', t('visa.no')]]) : null,
      regions.length ? select('home-region', t('home.filter.region'), 'region', regions.map((r) => [r, r])) : null,
      cols.some((c) => c.id === 'returns') ? select('home-returns', t('home.filter.returns'), 'returns', ['rising', 'stable', 'falling'].map((r) => [r, tv('returns', r)])) : null,
      h('label', { class: 'check' }, h('input', { id: 'home-all', type: 'checkbox', checked: homeState.all, testid: 'home-show-all', onchange: (e) => { homeState.all = e.target.checked; rerender(); } }), t('home.showall')),
    ),
    h('p', { class: 'hint', role: 'status', testid: 'home-count' }, t('home.count', { n: rows.length, total: pool.length })),
    rows.length
      ? h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'countries', testid: 'country-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                cols.map((c) =>
                  h(
                    'th',
                    { scope: 'col', class: c.num ? 'num' : '', 'aria-sort': homeState.sort === c.id ? (homeState.dir > 0 ? 'ascending' : 'descending') : null },
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'sort',
                        id: `sort-${c.id}`,
                        testid: 'sort',
                        dataset: { col: c.id },
                        title: t('home.sort', { col: c.name }),
                        onclick: () => {
                          homeState.dir = homeState.sort === c.id ? -homeState.dir : 1;
                          homeState.sort = c.id;
                          rerender();
                        },
                      },
                      c.name,
                      homeState.sort === c.id ? (homeState.dir > 0 ? ' ▲' : ' ▼') : '',
                    ),
                  ),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              rows.map((c) => {
                const rc = c.return_cooperation;
                return h(
                  'tr',
                  { dataset: { key: c.key } },
                  cols.map((col) => {
                    if (col.id === 'country') return h('th', { scope: 'row' }, h('a', { href: viewToHash({ kind: 'country', key: c.key, asOf: app.state.asOf, knownBy: app.state.knownBy || undefined }), testid: 'country-link' }, displayName(c, lang)));
                    if (col.id === 'return') return h('td', { class: 'nowrap' }, rc ? levelChip(rc.level) : t('home.unknown'));
                    if (col.id === 'trend') return h('td', { class: 'nowrap' }, rc ? `${TREND_ARROW[rc.trend] ?? ''} ${tv('trend', rc.trend)}` : '–');
                    if (col.id === 'visa') return h('td', {}, visaOf(c) === null ? '–' : visaOf(c) ? t('visa.yes') : t('visa.no'));
                    if (col.id === 'region') return h('td', {}, regionOf(c) ?? '–');
                    if (col.id === 'returns') return h('td', { class: 'nowrap' }, returnsTrendOf(c) ? `${RETURNS_ARROW[returnsTrendOf(c)] ?? ''} ${tv('returns', returnsTrendOf(c))}` : '–');
                    return h('td', { class: 'num' }, String(c.counts?.[col.id] ?? 0));
                  }),
                );
              }),
            ),
          ),
        )
      : h('p', { class: 'hint' }, t('home.empty')),
  );
}

// -- country page ------------------------------------------------------------------------

function countryPage(app) {
  const { state } = app;
  const c = state.country;
  const node = c.country ?? {};
  const lang = getLang();
  const other = lang === 'en' ? node.name : node.name_en;
  return h(
    'article',
    { class: 'country', testid: 'country-panel', dataset: { key: node.key } },
    h(
      'header',
      { class: 'page-head' },
      h('h2', { tabindex: '-1' }, labelSwatch('Country'), displayName(node, lang)),
      h('p', { class: 'sub' }, other && other !== displayName(node, lang) ? `${other} · ` : '', `${t('country.iso')} ${node.key}`),
      c.groups?.length
        ? h('p', { class: 'groups' }, c.groups.map((g) => h('button', { type: 'button', class: 'chip link', onclick: () => app.focusItem(g) }, displayName(g, lang))))
        : null,
      sourceButtons(app, node.sources, 'country-head'),
      h('div', { id: 'country-head' }),
      h(
        'div',
        { class: 'page-actions' },
        h('a', { class: 'button', href: api.briefUrl(node.key, { lang, asOf: state.asOf || undefined, knownBy: state.knownBy || undefined }), testid: 'brief-link', target: '_blank', rel: 'noopener' }, t('country.brief')),
        comparePicker(app, [node.key]),
      ),
    ),
    returnCooperation(app, c.return_cooperation ?? []),
    linkagePanel(app),
    returnsBlock(app),
    treatyMatrix(app, c.agreements ?? []),
    section(t('section.dossiers'), c.dossiers ?? [], (d) => itemRow(app, d, tv('domain', d.domain), tv('status', d.status), via(d)), { testid: 'dossiers' }),
    section(t('section.agreements'), c.agreements ?? [], (a) => itemRow(app, a, tv('agreement_type', a.agreement_type), tv('status', a.status), a.date_signed ? fmtDate(a.date_signed) : null), { testid: 'agreements', open: false }),
    section(t('section.forums'), c.forums ?? [], (f) => itemRow(app, f, via(f)), { testid: 'forums', open: false }),
    c.partners ? section(t('section.partners'), c.partners, (p) => itemRow(app, p, via(p)), { testid: 'partners', open: false }) : null,
    section(t('section.donors'), c.donors ?? [], (d) => itemRow(app, d, tv('donor_type', d.donor_type), via(d)), { testid: 'donors', open: false }),
    section(t('section.projects'), c.projects ?? [], (p) => itemRow(app, p, tv('status', p.status), p.amount_eur ? `€ ${fmtNumber(p.amount_eur, lang, 0)}` : null), { testid: 'projects', open: false }),
    timeline(app, c),
  );
}

/** A select of other countries of origin and a button that opens the comparison. */
const collators = new Map();
/** Compare `[name, ...]` pairs by name in a language's alphabetical order (one Intl.Collator per language). */
function nameOrder(lang) {
  if (!collators.has(lang)) collators.set(lang, new Intl.Collator(lang === 'nl' ? 'nl' : 'en'));
  const collator = collators.get(lang);
  return (a, b) => collator.compare(a[0], b[0]);
}

function comparePicker(app, keys) {
  const lang = getLang();
  const options = (app.state.countries ?? []).filter(isOrigin).filter((c) => !keys.includes(c.key));
  if (!app.state.countries) {
    const knownBy = app.state.knownBy;
    api.countries(knownBy).then((r) => {
      if (app.state.knownBy !== knownBy) return;
      app.state.countries = r.countries ?? [];
      app.render();
    }, () => {});
  }
  if (!options.length || keys.length >= 3) return null;
  const id = `compare-with-${keys.length}`;
  return h(
    'form',
    {
      class: 'compare-picker',
      onsubmit: (e) => {
        e.preventDefault();
        const key = e.target.querySelector('select').value;
        if (key) location.hash = viewToHash({ kind: 'compare', keys: [...keys, key], asOf: app.state.asOf, knownBy: app.state.knownBy || undefined });
      },
    },
    h('label', { for: id }, keys.length > 1 ? t('compare.add') : t('country.compare.with')),
    h(
      'select',
      { id, testid: 'compare-select' },
      // Names worked out once and sorted with one collator (a country page draws this list each time).
      options
        .map((c) => [displayName(c, lang), c.key])
        .sort(nameOrder(lang))
        .map(([name, key]) => h('option', { value: key }, name)),
    ),
    h('button', { type: 'submit', testid: 'compare-go' }, t('country.compare.go')),
  );
}

/** Normalise a returns answer into `{years, nl, eu}` (arrays by year), or null. */
export function returnsSeries(r) {
  if (!r || r.error) return null;
  const nl = new Map();
  const eu = new Map();
  if (Array.isArray(r.series)) {
    for (const s of r.series) {
      const who = String(s.reporting ?? s.key ?? s.name ?? '').toUpperCase();
      const target = ['NLD', 'NL', 'NETHERLANDS'].includes(who) ? nl : who.includes('EU') ? eu : null;
      if (!target) continue;
      for (const p of s.points ?? s.values ?? []) if (p && p.year != null && typeof p.value === 'number') target.set(Number(p.year), p.value);
    }
  } else if (Array.isArray(r.years)) {
    // {years, netherlands: [{year, persons}] | [n], eu_efta_total: [{year, persons}] | eu: [n]}
    const put = (target, list) =>
      (list ?? []).forEach((p, i) => {
        if (typeof p === 'number') target.set(Number(r.years[i]), p);
        else if (p && p.year != null && typeof (p.persons ?? p.value) === 'number') target.set(Number(p.year), p.persons ?? p.value);
      });
    put(nl, r.netherlands);
    put(eu, r.eu_efta_total ?? r.eu);
  }
  const years = [...new Set([...nl.keys(), ...eu.keys()])].sort((a, b) => a - b);
  if (!years.length) return null;
  return { years, nl: years.map((y) => nl.get(y) ?? null), eu: years.map((y) => eu.get(y) ?? null) };
}

function returnsBlock(app) {
  const series = returnsSeries(app.state.returns);
  return h(
    'section',
    { class: 'block returns', testid: 'returns' },
    h('h3', {}, t('returns.heading')),
    series ? [returnsChart(series), h('p', { class: 'hint' }, t('returns.caveat'))] : h('p', { class: 'hint gap' }, app.state.returns ? t('returns.none') : t('loading')),
  );
}

/** Small bar chart: the Netherlands and EU+EFTA per year (EU on its own scale, noted). */
function returnsChart(s, width = 320, height = 110) {
  const lang = getLang();
  const top = Math.max(1, ...s.nl.filter((v) => v != null), ...s.eu.filter((v) => v != null));
  const step = (width - 10) / s.years.length;
  const bars = [];
  s.years.forEach((y, i) => {
    [['nl', s.nl[i]], ['eu', s.eu[i]]].forEach(([cls, v], j) => {
      if (v == null) return;
      const bh = ((height - 24) * v) / top;
      bars.push(`<rect class="${cls}" x="${(5 + i * step + j * step * 0.42).toFixed(1)}" y="${(height - 14 - bh).toFixed(1)}" width="${(step * 0.4).toFixed(1)}" height="${bh.toFixed(1)}"><title>${y}: ${v}</title></rect>`);
    });
  });
  const labels = s.years.map((y, i) => (i % Math.ceil(s.years.length / 6) === 0 ? `<text x="${(5 + i * step + step * 0.4).toFixed(1)}" y="${height - 2}" text-anchor="middle">${y}</text>` : '')).join('');
  const chart = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  chart.setAttribute('class', 'returns-chart');
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', t('returns.heading'));
  chart.innerHTML = bars.join('') + labels; // numbers and years only
  return [
    chart,
    h('p', { class: 'legend-inline' }, h('span', { class: 'key nl' }, t('returns.nl')), h('span', { class: 'key eu' }, t('returns.eu'))),
    h(
      'details',
      {},
      h('summary', {}, fmtNumber(s.years.length, lang, 0), ' ×'),
      h('table', { class: 'mini' }, h('tbody', {}, s.years.map((y, i) => h('tr', {}, h('th', { scope: 'row' }, String(y)), h('td', {}, s.nl[i] ?? '–'), h('td', {}, s.eu[i] ?? '–'))))),
    ),
  ];
}

/** Treaties per domain: a compact matrix of domain × status with counts. */
function treatyMatrix(app, agreements) {
  const lang = getLang();
  const domainOf = (a) => a.domain ?? a.agreement_type ?? null;
  const rows = new Map();
  const statuses = new Set();
  for (const a of agreements) {
    const d = domainOf(a) ?? '';
    const st = a.status ?? '';
    statuses.add(st);
    if (!rows.has(d)) rows.set(d, new Map());
    rows.get(d).set(st, (rows.get(d).get(st) ?? 0) + 1);
  }
  const cols = [...statuses];
  const name = (d) => (!d ? t('treaties.other') : tv('domain', d) !== d.replace(/_/g, ' ') ? tv('domain', d) : tv('agreement_type', d));
  return h(
    'section',
    { class: 'block treaties', testid: 'treaty-matrix' },
    h('h3', {}, t('treaties.heading')),
    rows.size
      ? h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'matrix' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('treaties.domain')), cols.map((c) => h('th', { scope: 'col', class: 'num' }, c ? tv('status', c) : '–')))),
            h('tbody', {}, [...rows].sort((a, b) => name(a[0]).localeCompare(name(b[0]), lang)).map(([d, m]) => h('tr', {}, h('th', { scope: 'row' }, name(d)), cols.map((c) => h('td', { class: `num${m.get(c) ? ' filled' : ''}` }, m.get(c) ? String(m.get(c)) : ''))))),
          ),
        )
      : h('p', { class: 'hint gap' }, t('treaties.none')),
  );
}

function timeline(app, profile) {
  const { state } = app;
  const asOf = state.asOf;
  const { dated, undated } = timelinePoints(profile);
  const dates = dated.map((p) => p.date);
  let slider = null;
  if (dates.length) {
    const first = Date.parse(dates[0]);
    const last = Date.parse(dates[dates.length - 1]);
    const day = 86400000;
    const maxDays = Math.max(1, Math.round((last - first) / day) + 1);
    const current = asOf ? Math.max(0, Math.min(maxDays, Math.round((Date.parse(asOf) - first) / day))) : maxDays;
    const toDate = (n) => (n >= maxDays ? '' : new Date(first + n * day).toISOString().slice(0, 10));
    let timer = null;
    slider = h(
      'div',
      { class: 'slider' },
      h('label', { for: 'timeline-slider' }, t('timeline.slider'), ': ', h('output', { id: 'timeline-out', for: 'timeline-slider' }, asOf ? fmtDate(asOf) : t('timeline.now'))),
      h('input', {
        id: 'timeline-slider',
        type: 'range',
        min: '0',
        max: String(maxDays),
        step: '1',
        value: String(current),
        testid: 'timeline-slider',
        list: 'timeline-marks',
        'aria-valuetext': asOf ? fmtDate(asOf) : t('timeline.now'),
        oninput: (e) => {
          const d = toDate(Number(e.target.value));
          document.getElementById('timeline-out').textContent = d ? fmtDate(d) : t('timeline.now');
          e.target.setAttribute('aria-valuetext', d ? fmtDate(d) : t('timeline.now'));
          clearTimeout(timer);
          timer = setTimeout(() => app.setAsOf(d), 250);
        },
      }),
      h('datalist', { id: 'timeline-marks' }, dated.map((p) => h('option', { value: String(Math.round((Date.parse(p.date) - first) / day)) }))),
    );
  }
  const row = (p, isDated) => {
    const later = isDated && asOf && p.date > asOf;
    const item = p.item;
    const anchor = `tl-${p.kind}-${item.key}`;
    return h(
      'li',
      { class: `${later ? 'later' : ''} kind-${p.kind}`, id: anchor, testid: 'event' },
      h('time', { datetime: isDated ? p.date : '' }, isDated ? fmtDate(p.date) : t('timeline.undated')),
      h('div', {}, itemButton(app, { ...item, label: item.label ?? 'Event' }, t(`timeline.kind.${p.kind}`), item.kind ? tv('kind', item.kind) : null, later ? t('event.later') : null), sourceButtons(app, itemSources(item), anchor)),
    );
  };
  return h(
    'details',
    { class: 'section timeline', open: true, testid: 'timeline' },
    h('summary', {}, h('h3', {}, t('section.events'), h('span', { class: 'count' }, String(dated.length + undated.length)))),
    slider,
    dated.length ? h('ol', { class: 'events' }, dated.map((p) => row(p, true))) : h('p', { class: 'hint' }, t('timeline.none')),
    undated.length ? [h('h4', { class: 'undated-head' }, t('timeline.undated')), h('ul', { class: 'events undated', testid: 'timeline-undated' }, undated.map((p) => row(p, false)))] : null,
  );
}

// -- linkage panel -----------------------------------------------------------------------

/**
 * The name of an item of the linkage answer in the interface's language: the
 * answer names items in English; the profile and the canvas know both names.
 */
function nameOf(app, item, lang = getLang()) {
  if (!item) return '';
  const ref = refName(item, lang);
  if (ref) return ref;
  if (item.name_en) return displayName(item, lang);
  const c = app.state.country;
  if (c) {
    for (const sec of ['linkages', 'dossiers', 'agreements', 'projects', 'forums', 'groups', 'partners', 'donors', 'events']) {
      const hit = (c[sec] ?? []).find((x) => x.key === item.key);
      if (hit) return displayName(hit, lang);
    }
  }
  const node = app.canvas?.cy.getElementById(item.key);
  if (node && node.nonempty()) return displayName(node.data(), lang);
  return displayName(item, lang);
}

/** A bilingual text (`{nl, en}`) in the interface's language; a plain string is used as is. */
function loc(text, lang = getLang()) {
  if (!text) return '';
  if (typeof text === 'string') return text;
  return text[lang] ?? text.en ?? text.nl ?? '';
}

function linkagePanel(app) {
  const { state } = app;
  const L = state.linkages;
  const lang = getLang();
  const body = [];
  if (!L) body.push(h('p', { class: 'loading' }, t('loading')));
  else if (L.error) body.push(h('p', { class: 'error-inline', role: 'alert' }, L.error.title, L.error.detail ? `: ${L.error.detail}` : ''));
  else {
    const warnings = L.warnings?.length ? L.warnings.map((w) => loc(w)) : lang === 'en' ? L.missing ?? [] : [];
    if (warnings.length) body.push(h('div', { class: 'warnings', role: 'note', testid: 'linkages-missing' }, h('h4', {}, t('linkages.warnings')), h('ul', {}, warnings.map((m) => h('li', {}, typeof m === 'string' ? m : JSON.stringify(m))))));
    // One row per linkage (the engine may list a linkage once per dossier it touches).
    const seen = new Map();
    for (const x of L.existing ?? []) {
      if (!seen.has(x.key)) seen.set(x.key, { ...x, targets: x.targets ?? (x.dossier ? [x.dossier] : []) });
      else if (x.dossier && !x.targets) seen.get(x.key).targets.push(x.dossier);
    }
    const existing = [...seen.values()];
    const candidates = L.candidates ?? [];
    body.push(
      h('h4', {}, t('linkages.existing')),
      existing.length
        ? h(
            'ul',
            { class: 'existing' },
            existing.map((x, i) => {
              const anchor = `existing-${i}`;
              const neg = x.direction === 'negative';
              return h(
                'li',
                { id: anchor, testid: 'existing-linkage', class: `dir-${x.direction}` },
                h('span', { class: `dir ${neg ? 'cut' : 'offer'}`, title: neg ? t('direction.cut') : t('direction.offer'), 'aria-label': neg ? t('direction.cut') : t('direction.offer') }, neg ? '−' : '+'),
                h(
                  'div',
                  { class: 'existing-body' },
                  h('button', { type: 'button', class: 'linklike', onclick: () => app.focusItem({ key: x.key, label: 'Linkage', name: x.name }) }, nameOf(app, x, lang)),
                  x.targets.length
                    ? h(
                        'p',
                        { class: 'meta' },
                        x.targets.map((d) => [h('button', { type: 'button', class: 'linklike small', onclick: () => app.focusItem({ ...d, label: d.label ?? 'Dossier' }) }, `→ ${nameOf(app, d, lang)}`), d.domain ? ` (${tv('domain', d.domain)}) ` : ' ']),
                      )
                    : null,
                  h(
                    'p',
                    { class: 'meta' },
                    chip(tv('outcome', x.outcome), `outcome outcome-${x.outcome}`),
                    ' ',
                    [tv('status', x.status), tv('channel', x.channel), x.date ? fmtDate(x.date) : null].filter(Boolean).join(' · '),
                    ' ',
                    sourceButtons(app, x.sources, anchor),
                  ),
                ),
              );
            }),
          )
        : h('p', { class: 'hint' }, t('linkages.existing.none')),
      h('h4', {}, t('linkages.candidates')),
      candidates.length ? h('ol', { class: 'candidates' }, candidates.map((c, ci) => candidate(app, c, ci))) : h('p', { class: 'hint' }, t('linkages.candidates.none')),
    );
  }
  return h(
    'section',
    { class: 'block linkages', testid: 'linkage-panel', 'aria-live': 'polite' },
    h('h3', {}, t('linkages.heading'), state.asOf ? h('span', { class: 'asof-note' }, t('linkages.asof', { date: fmtDate(state.asOf) })) : null),
    body,
  );
}

/** A reason's text in the interface's language: `text_nl`/`text` from the engine, else the factor's name. */
function reasonText(r, lang = getLang()) {
  if (lang === 'nl') return r.text_nl ?? loc(r.texts) ?? '';
  return loc(r.texts) || r.text || '';
}

function candidate(app, c, ci) {
  const lang = getLang();
  const score = typeof c.score === 'number' ? c.score : 0;
  const pct = Math.max(0, Math.min(100, Math.round(score * 100)));
  const neg = c.direction === 'negative';
  const why = loc(c.why);
  return h(
    'li',
    { class: `candidate dir-${c.direction}`, testid: 'candidate', dataset: { dossier: c.dossier?.key ?? '' } },
    h(
      'div',
      { class: 'cand-head' },
      h('span', { class: 'rank' }, String(ci + 1)),
      h(
        'div',
        { class: 'cand-title' },
        h('span', { class: `dir ${neg ? 'cut' : 'offer'}`, title: neg ? t('direction.cut') : t('direction.offer'), 'aria-label': neg ? t('direction.cut') : t('direction.offer') }, neg ? '−' : '+'),
        h('button', { type: 'button', class: 'linklike', onclick: () => c.dossier && app.focusItem({ ...c.dossier, label: c.dossier.label ?? 'Dossier' }) }, nameOf(app, c.dossier, lang)),
        h('p', { class: 'meta' }, [loc(c.action), tv('domain', c.dossier?.domain), tv('channel', c.channel)].filter(Boolean).join(' · ')),
      ),
      h(
        'div',
        { class: 'score', role: 'img', 'aria-label': t('linkages.score', { score: fmtNumber(score, lang) }) },
        h('div', { class: 'bar' }, h('div', { class: 'fill', style: { width: `${pct}%` } })),
        h('span', { class: 'score-num' }, fmtNumber(score, lang)),
      ),
    ),
    why ? h('p', { class: 'why', testid: 'candidate-why' }, why) : null,
    h(
      'ul',
      { class: 'reasons', 'aria-label': t('linkages.reasons') },
      (c.reasons ?? []).map((r, ri) => {
        const id = `${ci}:${ri}`;
        const active = app.state.activeReason === id;
        const anchor = `reason-${ci}-${ri}`;
        const text = reasonText(r, lang);
        return h(
          'li',
          { id: anchor },
          h(
            'button',
            {
              type: 'button',
              class: `reason${active ? ' active' : ''}`,
              testid: 'reason',
              'aria-pressed': String(active),
              title: t('linkages.reason.title', { text }),
              onclick: (e) => selectReason(app, ci, ri, e.currentTarget),
            },
            h('span', { class: 'factor' }, tv('factor', r.factor)),
            h('span', { class: 'weight' }, t('linkages.reason.weight', { w: fmtNumber(r.weight, lang), v: fmtNumber(r.value, lang) })),
            text ? h('span', { class: 'reason-text' }, text) : null,
          ),
        );
      }),
    ),
  );
}

// -- compare -----------------------------------------------------------------------------

function comparePage(app) {
  const { state } = app;
  const lang = getLang();
  const cmp = state.compare;
  if (!cmp) return h('p', { class: 'loading' }, t('loading'));
  const column = (it) => {
    if (it.country?.error) return h('section', { class: 'compare-col' }, h('p', { class: 'error-inline' }, `${it.key}: ${it.country.error.title} ${it.country.error.detail ?? ''}`));
    const c = it.country;
    const node = c.country ?? {};
    const rc = [...(c.return_cooperation ?? [])].sort((a, b) => String(b.as_of ?? '').localeCompare(String(a.as_of ?? ''))).find((a) => !state.asOf || String(a.as_of ?? '') <= state.asOf);
    const L = it.linkages ?? {};
    const seen = new Set();
    const existing = (L.existing ?? []).filter((x) => (seen.has(x.key) ? false : seen.add(x.key)));
    const domains = new Map();
    for (const a of c.agreements ?? []) {
      const d = a.domain ?? a.agreement_type ?? '';
      domains.set(d, (domains.get(d) ?? 0) + 1);
    }
    const list = (items, render, empty = t('compare.none')) => (items?.length ? h('ul', { class: 'plain' }, items.map(render)) : h('p', { class: 'hint' }, empty));
    const remove = cmp.keys.filter((k) => k !== it.key);
    return h(
      'section',
      { class: 'compare-col', testid: 'compare-col', dataset: { key: it.key } },
      h(
        'h3',
        {},
        h('a', { href: viewToHash({ kind: 'country', key: it.key, asOf: state.asOf, knownBy: state.knownBy || undefined }) }, displayName(node, lang)),
        cmp.keys.length > 2 ? h('a', { class: 'icon remove', href: viewToHash({ kind: 'compare', keys: remove, asOf: state.asOf, knownBy: state.knownBy || undefined }), 'aria-label': t('compare.remove', { name: displayName(node, lang) }) }, '×') : null,
      ),
      h('h4', {}, t('rc.heading')),
      rc ? h('p', {}, levelChip(rc.level), ' ', `${TREND_ARROW[rc.trend] ?? ''} ${tv('trend', rc.trend)}`, ' · ', t('rc.asof', { date: fmtDate(rc.as_of) })) : h('p', { class: 'hint gap' }, t('rc.none')),
      h('h4', {}, t('returns.heading')),
      returnsSeries(c.returns) ? returnsChart(returnsSeries(c.returns), 240, 80) : h('p', { class: 'hint gap' }, t('returns.none')),
      h('h4', {}, t('treaties.heading')),
      list([...domains], ([d, n]) => h('li', {}, `${d ? (tv('domain', d) !== d.replace(/_/g, ' ') ? tv('domain', d) : tv('agreement_type', d)) : t('treaties.other')}: ${n}`), t('treaties.none')),
      h('h4', {}, t('linkages.existing')),
      list(existing, (x) => h('li', {}, h('span', { class: `dir ${x.direction === 'negative' ? 'cut' : 'offer'}` }, x.direction === 'negative' ? '−' : '+'), ' ', loc(x[`name_${lang}`]) || displayName(x, lang), ' · ', tv('outcome', x.outcome)), t('linkages.existing.none')),
      h('h4', {}, t('compare.candidates')),
      L.error ? h('p', { class: 'error-inline' }, L.error.title) : list((L.candidates ?? []).slice(0, 3), (cd) => h('li', {}, h('span', { class: `dir ${cd.direction === 'negative' ? 'cut' : 'offer'}` }, cd.direction === 'negative' ? '−' : '+'), ' ', nameOf(app, cd.dossier, lang), ` (${fmtNumber(cd.score ?? 0, lang)})`, loc(cd.why) ? h('p', { class: 'why' }, loc(cd.why)) : null)),
      h('h4', {}, t('compare.similar')),
      it.similar?.error ? h('p', { class: 'hint gap' }, t('compare.unavailable', { detail: it.similar.error.title })) : list((it.similar?.similar ?? it.similar?.countries ?? []).slice(0, 5), (s) => h('li', {}, displayName(s, lang) || s.key, typeof s.score === 'number' ? ` (${fmtNumber(s.score, lang)})` : typeof s.similarity === 'number' ? ` (${fmtNumber(s.similarity, lang)})` : '')),
      h('h4', {}, t('compare.brokers', { name: displayName(node, lang) })),
      it.brokers?.error ? h('p', { class: 'hint gap' }, t('compare.unavailable', { detail: it.brokers.error.title })) : list((it.brokers?.brokers ?? []).slice(0, 5), (b) => h('li', {}, displayName(b, lang) || b.key, b.label ? ` · ${labelName(b.label, lang)}` : '')),
    );
  };
  return h(
    'article',
    { class: 'compare', testid: 'compare-panel' },
    h('h2', { tabindex: '-1' }, t('compare.heading'), state.asOf ? h('span', { class: 'asof-note' }, t('linkages.asof', { date: fmtDate(state.asOf) })) : null),
    h('div', { class: 'page-actions' }, comparePicker(app, cmp.keys)),
    h('div', { class: `compare-grid n${cmp.items.length}` }, cmp.items.map(column)),
  );
}

function returnCooperation(app, assessments) {
  const asOf = app.state.asOf;
  const sorted = [...assessments].sort((a, b) => String(b.as_of ?? '').localeCompare(String(a.as_of ?? '')));
  const isLater = (a) => Boolean(asOf) && String(a.as_of ?? '') > asOf;
  const current = sorted.find((a) => !isLater(a)) ?? null;
  const earlier = sorted.filter((a) => a !== current && !isLater(a));
  const later = sorted.filter(isLater);
  const row = (a, big) =>
    h(
      'div',
      { class: `assessment${big ? ' current' : ''}${isLater(a) ? ' later' : ''}`, id: `rc-${a.key ?? a.as_of}`, testid: big ? 'rc-current' : 'rc-other' },
      levelChip(a.level),
      h('span', { class: 'trend', 'aria-label': t('rc.trend', { trend: tv('trend', a.trend) }) }, `${TREND_ARROW[a.trend] ?? ''} ${tv('trend', a.trend)}`),
      h('span', { class: 'asof' }, t('rc.asof', { date: fmtDate(a.as_of) })),
      sourceButtons(app, a.sources, `rc-${a.key ?? a.as_of}`),
    );
  return h(
    'section',
    { class: 'block return-cooperation', testid: 'return-cooperation' },
    h('h3', {}, t('rc.heading'), asOf ? h('span', { class: 'asof-note' }, t('linkages.asof', { date: fmtDate(asOf) })) : null),
    current ? row(current, true) : h('p', { class: 'hint' }, t('rc.none')),
    current && (current[`description_${getLang()}`] || (getLang() === 'en' && current.description)) ? h('p', { class: 'rc-description' }, current[`description_${getLang()}`] || current.description) : null,
    earlier.length ? h('div', { class: 'earlier' }, h('h4', {}, t('rc.earlier')), earlier.map((a) => row(a, false))) : null,
    later.length ? h('div', { class: 'earlier' }, h('h4', {}, t('rc.later')), later.map((a) => row(a, false))) : null,
  );
}


async function selectReason(app, ci, ri, button) {
  const { state } = app;
  const reason = state.linkages?.candidates?.[ci]?.reasons?.[ri];
  if (!reason) return;
  const id = `${ci}:${ri}`;
  if (state.activeReason === id) {
    state.activeReason = null;
    app.canvas.clearHighlight();
    hideEvidence(app);
    updateReasonButtons(app);
    return;
  }
  state.activeReason = id;
  updateReasonButtons(app);
  showEvidence(app, reason.sources ?? [], 0, `reason-${ci}-${ri}`, button);
  try {
    await app.highlightPath(reason.path ?? { nodes: [], edges: [] });
  } catch (err) {
    app.showError(err);
  }
}

function updateReasonButtons(app) {
  for (const btn of document.querySelectorAll('[data-testid="reason"]')) {
    const li = btn.closest('li');
    const [, ci, ri] = li.id.split('-');
    const on = app.state.activeReason === `${ci}:${ri}`;
    btn.classList.toggle('active', on);
    btn.setAttribute('aria-pressed', String(on));
  }
}

// -- node page ---------------------------------------------------------------------------

const HIDDEN_PROPS = new Set(['key', 'label', 'name', 'name_nl', 'name_en', 'sources', 'via', 'type', 'id', 'properties', 'display']);

function nodePage(app) {
  const { node, elements } = app.state.node;
  const lang = getLang();
  const props = { ...(node.properties ?? {}), ...node };
  const rows = Object.entries(props).filter(([k, v]) => !HIDDEN_PROPS.has(k) && v !== null && v !== undefined && v !== '');
  const nodesById = new Map((elements?.nodes ?? []).map((n) => [n.data.id, n.data]));
  const neighbours = [];
  for (const e of elements?.edges ?? []) {
    const d = e.data;
    const otherId = d.source === node.key ? d.target : d.target === node.key ? d.source : null;
    if (!otherId) continue;
    const other = nodesById.get(otherId);
    if (other) neighbours.push({ rel: d.type ?? d.label, out: d.source === node.key, other });
  }
  neighbours.sort((a, b) => relName(a.rel, lang).localeCompare(relName(b.rel, lang)) || displayName(a.other, lang).localeCompare(displayName(b.other, lang)));
  const other = lang === 'en' ? node.name : node.name_en;
  return h(
    'article',
    { class: 'node-page', testid: 'node-panel', dataset: { key: node.key } },
    h(
      'header',
      { class: 'page-head' },
      h('h2', { tabindex: '-1' }, labelSwatch(node.label), displayName(node, lang)),
      h('p', { class: 'sub' }, labelName(node.label, lang), other && other !== displayName(node, lang) ? ` · ${other}` : '', ' · ', h('code', {}, node.key)),
      node.description ? h('p', { class: 'description' }, node.description) : null,
    ),
    h(
      'section',
      { class: 'block', id: 'node-props' },
      h('h3', {}, t('section.properties')),
      h(
        'dl',
        { class: 'props' },
        rows.map(([k, v]) =>
          h('div', { class: 'kv' }, h('dt', {}, t(`prop.${k}`) === `prop.${k}` ? k.replace(/_/g, ' ') : t(`prop.${k}`)), h('dd', {}, Array.isArray(v) ? v.join(', ') : /date|as_of|valid_/.test(k) ? fmtDate(v) : ['domain', 'status', 'level', 'trend', 'direction', 'outcome', 'channel'].includes(k) ? tv(k, v) : String(v))),
        ),
      ),
      node.sources?.length ? h('p', { class: 'meta' }, `${t('sources')}: `, sourceButtons(app, node.sources, 'node-props')) : null,
    ),
    h(
      'section',
      { class: 'block' },
      h('h3', {}, t('section.neighbours'), h('span', { class: 'count' }, String(neighbours.length))),
      neighbours.length
        ? h(
            'ul',
            { class: 'items' },
            neighbours.map((n) =>
              h(
                'li',
                {},
                h(
                  'button',
                  { type: 'button', class: 'item', onclick: () => app.openItem(n.other.type ?? n.other.label, n.other.id) },
                  labelSwatch(n.other.type ?? n.other.label),
                  h('span', { class: 'item-name' }, displayName(n.other, lang)),
                  h('span', { class: 'item-meta' }, `${n.out ? '→' : '←'} ${relName(n.rel, lang)}`),
                ),
              ),
            ),
          )
        : h('p', { class: 'hint' }, t('section.empty')),
    ),
  );
}

// -- evidence ----------------------------------------------------------------------------

const evidenceCache = new Map();

function evidenceBox() {
  let box = document.getElementById('evidence-box');
  if (!box) {
    box = h('div', { id: 'evidence-box', class: 'evidence', testid: 'evidence-box', role: 'region', 'aria-live': 'polite', tabindex: '-1' });
  }
  return box;
}

/** Show the cited passage `sources[index]` in the evidence box below `anchorId`. */
export async function showEvidence(app, sources, index, anchorId, trigger) {
  const { state } = app;
  state.evidence = { sources, index, anchorId, data: null, error: null, loading: true, trigger: trigger ?? state.evidence?.trigger };
  placeEvidence(app, trigger);
  const loc = sources[index];
  if (!loc) {
    state.evidence.loading = false;
    renderEvidence(app);
    return;
  }
  try {
    let data = evidenceCache.get(loc);
    if (!data) {
      data = await api.evidence(loc);
      evidenceCache.set(loc, data);
    }
    if (state.evidence?.sources !== sources || state.evidence.index !== index) return;
    state.evidence.data = data;
  } catch (err) {
    if (state.evidence?.sources !== sources) return;
    state.evidence.error = err;
  }
  state.evidence.loading = false;
  renderEvidence(app);
}

function hideEvidence(app) {
  app.state.evidence = null;
  document.getElementById('evidence-box')?.remove();
}

function placeEvidence(app, trigger) {
  const box = evidenceBox();
  const anchor = document.getElementById(app.state.evidence.anchorId) ?? trigger?.closest('li,section,div');
  if (!anchor) return;
  anchor.after(box);
  renderEvidence(app);
}

/** After a re-render, put the evidence box back where it was. */
export function rerenderEvidence(app) {
  if (!app.state.evidence) {
    document.getElementById('evidence-box')?.remove();
    return;
  }
  if (document.getElementById(app.state.evidence.anchorId)) placeEvidence(app);
  else hideEvidence(app);
}

function renderEvidence(app) {
  const box = evidenceBox();
  const ev = app.state.evidence;
  if (!ev) return;
  const loc = ev.sources[ev.index];
  const p = parseLocator(loc);
  const d = ev.data;
  mount(
    box,
    h(
      'div',
      { class: 'evidence-head' },
      h('strong', {}, t('evidence.heading')),
      ev.sources.length > 1
        ? h(
            'span',
            { class: 'ev-tabs' },
            ev.sources.map((s, i) => {
              const q = parseLocator(s);
              return h('button', { type: 'button', class: `source${i === ev.index ? ' active' : ''}`, 'aria-pressed': String(i === ev.index), onclick: () => showEvidence(app, ev.sources, i, ev.anchorId) }, q ? `L${q.from}–${q.to}` : s);
            }),
          )
        : null,
      h('button', { type: 'button', class: 'icon', 'aria-label': t('evidence.close'), onclick: () => hideEvidence(app) }, '×'),
    ),
    !loc
      ? h('p', { class: 'hint' }, t('evidence.none'))
      : ev.loading
        ? h('p', { class: 'loading' }, t('evidence.loading'))
        : ev.error
          ? h('p', { class: 'error-inline', role: 'alert' }, ev.error.title, ev.error.detail ? `: ${ev.error.detail}` : '')
          : [
              h('p', { class: 'ev-doc' }, h('span', { class: 'doc' }, d?.document ?? p?.document ?? ''), ' · ', t('evidence.lines', { from: d?.from_line ?? p?.from, to: d?.to_line ?? p?.to })),
              h('blockquote', { class: 'ev-text', testid: 'evidence-text', cite: loc }, d?.text ?? ''),
            ],
  );
}
