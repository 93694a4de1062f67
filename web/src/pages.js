// The pages of the side panel: the country list, a country page (return
// cooperation, linkages, dossiers, timeline...), a page for any other node,
// and the evidence box that shows a cited passage.

import { api } from './api.js';
import { h, mount, svg } from './dom.js';
import { displayName, isActiveAt, legendShapeSvg, parseLocator, styleFor } from './graph.js';
import { fmtDate, fmtNumber, getLang, t, tv } from './i18n.js';

const LEVEL_ORDER = ['refuses', 'not_willing', 'difficult', 'slightly_improved', 'increased', 'good'];
const COUNT_COLS = ['dossiers', 'agreements', 'linkages', 'events'];
const TREND_ARROW = { improving: '↗', stable: '→', worsening: '↘', unknown: '?' };

export function renderPage(app, root) {
  const { state } = app;
  root.setAttribute('aria-busy', String(state.loading));
  if (state.loading) {
    mount(root, h('p', { class: 'loading' }, t('loading')));
    return;
  }
  if (state.route.kind === 'country' && state.country) mount(root, countryPage(app));
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
          'aria-label': t('source.show', { loc }),
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
  const v = item?.via;
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The passages for an item: its relationship's evidence, then its own sources. */
function itemSources(item) {
  return [...new Set([...(item.evidence ?? []), ...(item.sources ?? [])])];
}

function itemButton(app, item, ...meta) {
  const lang = getLang();
  return h(
    'button',
    { type: 'button', class: 'item', onclick: () => app.focusItem(item), title: item.description ?? item.key },
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

function homePage(app) {
  const countries = [...(app.state.countries ?? [])].sort((a, b) => displayName(a, getLang()).localeCompare(displayName(b, getLang())));
  return h(
    'div',
    { class: 'home', testid: 'home' },
    h('h2', {}, t('home.heading')),
    h('p', { class: 'intro' }, t('home.intro')),
    countries.length
      ? h(
          'table',
          { class: 'countries' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, t('home.col.country')),
              h('th', { scope: 'col' }, t('home.col.return')),
              COUNT_COLS.map((c) => h('th', { scope: 'col', class: 'num', title: t(`section.${c}`) }, h('abbr', { title: t(`section.${c}`) }, t(`home.col.${c}`)))),
            ),
          ),
          h(
            'tbody',
            {},
            countries.map((c) => {
              const rc = c.return_cooperation;
              const n = c.counts ?? {};
              return h(
                'tr',
                {},
                h('th', { scope: 'row' }, h('a', { href: `#/country/${encodeURIComponent(c.key)}`, testid: 'country-link' }, displayName(c, getLang())), h('span', { class: 'iso' }, c.key)),
                h('td', { class: 'nowrap' }, rc ? [levelChip(rc.level), h('span', { class: 'trend', title: tv('trend', rc.trend) }, TREND_ARROW[rc.trend] ?? '')] : '–'),
                COUNT_COLS.map((c) => h('td', { class: 'num' }, String(n[c] ?? 0))),
              );
            }),
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
  // Date order; undated events last.
  const events = [...(c.events ?? [])].sort((a, b) => String(a.date ?? '9999').localeCompare(String(b.date ?? '9999')));
  return h(
    'article',
    { class: 'country', testid: 'country-panel', dataset: { key: node.key } },
    h(
      'header',
      { class: 'page-head' },
      h('h2', {}, labelSwatch('Country'), displayName(node, lang)),
      h('p', { class: 'sub' }, other && other !== displayName(node, lang) ? `${other} · ` : '', `${t('country.iso')} ${node.key}`),
      c.groups?.length
        ? h('p', { class: 'groups' }, c.groups.map((g) => h('button', { type: 'button', class: 'chip link', onclick: () => app.focusItem(g) }, displayName(g, lang))))
        : null,
      sourceButtons(app, node.sources, 'country-head'),
      h('div', { id: 'country-head' }),
    ),
    returnCooperation(app, c.return_cooperation ?? []),
    linkagePanel(app),
    section(t('section.dossiers'), c.dossiers ?? [], (d) => itemRow(app, d, tv('domain', d.domain), tv('status', d.status), via(d)), { testid: 'dossiers' }),
    section(t('section.agreements'), c.agreements ?? [], (a) => itemRow(app, a, tv('agreement_type', a.agreement_type), tv('status', a.status), a.date_signed ? fmtDate(a.date_signed) : null), { testid: 'agreements' }),
    section(t('section.forums'), c.forums ?? [], (f) => itemRow(app, f, via(f)), { testid: 'forums', open: false }),
    c.partners ? section(t('section.partners'), c.partners, (p) => itemRow(app, p, via(p)), { testid: 'partners', open: false }) : null,
    section(t('section.donors'), c.donors ?? [], (d) => itemRow(app, d, d.donor_type, via(d)), { testid: 'donors', open: false }),
    section(t('section.projects'), c.projects ?? [], (p) => itemRow(app, p, tv('status', p.status), p.amount_eur ? `€ ${fmtNumber(p.amount_eur, lang, 0)}` : null), { testid: 'projects', open: false }),
    timeline(app, events),
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
    current?.description ? h('p', { class: 'rc-description' }, current.description) : null,
    earlier.length ? h('div', { class: 'earlier' }, h('h4', {}, t('rc.earlier')), earlier.map((a) => row(a, false))) : null,
    later.length ? h('div', { class: 'earlier' }, h('h4', {}, t('rc.later')), later.map((a) => row(a, false))) : null,
  );
}

function timeline(app, events) {
  const asOf = app.state.asOf;
  return h(
    'details',
    { class: 'section timeline', open: true, testid: 'timeline' },
    h('summary', {}, h('h3', {}, t('section.events'), h('span', { class: 'count' }, String(events.length)))),
    events.length
      ? h(
          'ol',
          { class: 'events' },
          events.map((e) => {
            const later = asOf && !isActiveAt({ date: e.date, valid_from: e.valid_from, valid_to: e.valid_to }, asOf);
            const anchor = `ev-${e.key}`;
            return h(
              'li',
              { class: later ? 'later' : '', id: anchor, testid: 'event' },
              h('time', { datetime: e.date ?? '' }, e.date ? fmtDate(e.date) : '?'),
              h('div', {}, itemButton(app, { ...e, label: e.label ?? 'Event' }, tv('kind', e.kind), later ? t('event.later') : null), sourceButtons(app, itemSources(e), anchor)),
            );
          }),
        )
      : h('p', { class: 'hint' }, t('section.empty')),
  );
}

// -- linkage panel -----------------------------------------------------------------------

function linkagePanel(app) {
  const { state } = app;
  const L = state.linkages;
  const lang = getLang();
  const body = [];
  if (!L) body.push(h('p', { class: 'loading' }, t('loading')));
  else if (L.error) body.push(h('p', { class: 'error-inline', role: 'alert' }, L.error.title, L.error.detail ? `: ${L.error.detail}` : ''));
  else {
    const existing = L.existing ?? [];
    const candidates = L.candidates ?? [];
    body.push(
      h('h4', {}, t('linkages.existing')),
      existing.length
        ? h(
            'ul',
            { class: 'existing' },
            existing.map((x, i) => {
              const anchor = `existing-${i}`;
              return h(
                'li',
                { id: anchor, testid: 'existing-linkage', class: `dir-${x.direction}` },
                h('span', { class: 'dir', 'aria-label': tv('direction', x.direction) }, x.direction === 'negative' ? '−' : '+'),
                h(
                  'div',
                  { class: 'existing-body' },
                  h('button', { type: 'button', class: 'linklike', onclick: () => app.focusItem({ key: x.key, label: 'Linkage', name: x.name }) }, displayName(x, lang) || displayName(x.dossier, lang)),
                  x.dossier
                    ? h(
                        'p',
                        { class: 'meta' },
                        h('button', { type: 'button', class: 'linklike small', onclick: () => app.focusItem({ ...x.dossier, label: x.dossier.label ?? 'Dossier' }) }, `→ ${displayName(x.dossier, lang)}`),
                        x.dossier.domain ? ` (${tv('domain', x.dossier.domain)})` : '',
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
    if (L.missing?.length) {
      body.push(h('h4', {}, t('linkages.missing')), h('ul', { class: 'missing', testid: 'linkages-missing' }, L.missing.map((m) => h('li', {}, m))));
    }
  }
  return h(
    'section',
    { class: 'block linkages', testid: 'linkage-panel', 'aria-live': 'polite' },
    h('h3', {}, t('linkages.heading'), state.asOf ? h('span', { class: 'asof-note' }, t('linkages.asof', { date: fmtDate(state.asOf) })) : null),
    body,
  );
}

function candidate(app, c, ci) {
  const lang = getLang();
  const score = typeof c.score === 'number' ? c.score : 0;
  const pct = Math.max(0, Math.min(100, Math.round(score * 100)));
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
        h('button', { type: 'button', class: 'linklike', onclick: () => c.dossier && app.focusItem({ ...c.dossier, label: c.dossier.label ?? 'Dossier' }) }, displayName(c.dossier, lang)),
        h('p', { class: 'meta' }, [tv('domain', c.dossier?.domain), tv('direction', c.direction), tv('channel', c.channel)].filter(Boolean).join(' · ')),
      ),
      h(
        'div',
        { class: 'score', role: 'img', 'aria-label': t('linkages.score', { score: fmtNumber(score, lang) }) },
        h('div', { class: 'bar' }, h('div', { class: 'fill', style: { width: `${pct}%` } })),
        h('span', { class: 'score-num' }, fmtNumber(score, lang)),
      ),
    ),
    h(
      'ul',
      { class: 'reasons', 'aria-label': t('linkages.reasons') },
      (c.reasons ?? []).map((r, ri) => {
        const id = `${ci}:${ri}`;
        const active = app.state.activeReason === id;
        const anchor = `reason-${ci}-${ri}`;
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
              title: t('linkages.reason.title', { text: r.text ?? '' }),
              onclick: (e) => selectReason(app, ci, ri, e.currentTarget),
            },
            h('span', { class: 'factor' }, tv('factor', r.factor)),
            h('span', { class: 'weight' }, t('linkages.reason.weight', { w: fmtNumber(r.weight, lang), v: fmtNumber(r.value, lang) })),
            h('span', { class: 'reason-text' }, r.text ?? ''),
          ),
        );
      }),
    ),
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
  neighbours.sort((a, b) => a.rel.localeCompare(b.rel) || displayName(a.other, lang).localeCompare(displayName(b.other, lang)));
  const other = lang === 'en' ? node.name : node.name_en;
  return h(
    'article',
    { class: 'node-page', testid: 'node-panel', dataset: { key: node.key } },
    h(
      'header',
      { class: 'page-head' },
      h('h2', {}, labelSwatch(node.label), displayName(node, lang)),
      h('p', { class: 'sub' }, tv('label', node.label), other && other !== displayName(node, lang) ? ` · ${other}` : '', ' · ', h('code', {}, node.key)),
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
          h('div', { class: 'kv' }, h('dt', {}, k.replace(/_/g, ' ')), h('dd', {}, Array.isArray(v) ? v.join(', ') : /date|as_of|valid_/.test(k) ? fmtDate(v) : ['domain', 'status', 'level', 'trend', 'direction', 'outcome', 'channel'].includes(k) ? tv(k, v) : String(v))),
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
                  h('span', { class: 'item-meta' }, `${n.out ? '→' : '←'} ${n.rel}`),
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
  state.evidence = { sources, index, anchorId, data: null, error: null, loading: true };
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
