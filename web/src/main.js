// The explorer's wiring: state, routing (#/country/IRQ, #/node/Label/key),
// the canvas toolbar, legend and filters, the node card. Pages live in
// pages.js, the analyst panel in analyst.js, search in search.js.

import './style.css';
import { api } from './api.js';
import { Canvas } from './canvas.js';
import { h, mount, svg } from './dom.js';
import { keysToFetchForPath, legendItems, legendShapeSvg, pathHighlight, pickElements, displayName } from './graph.js';
import { getLang, setLang, t, tv, fmtDate } from './i18n.js';
import { initSearch } from './search.js';
import { renderPage, rerenderEvidence } from './pages.js';
import { initAnalyst, renderAnalyst } from './analyst.js';

const $ = (id) => document.getElementById(id);

const state = {
  route: { kind: 'home' },
  countries: null,
  country: null, // GET /api/countries/{iso3}
  linkages: null, // GET /api/countries/{iso3}/linkages
  node: null, // GET /api/nodes/{label}/{key}
  loading: false,
  asOf: '',
  hiddenTypes: new Set(),
  hiddenRels: new Set(),
  tab: 'page',
  selected: null, // node data shown in the node card
  activeReason: null, // "candidateIndex:reasonIndex"
  evidence: null, // {sources, index, anchor, data, error}
};

const app = {
  state,
  canvas: null,
  navToken: 0,
  render,
  showError,
  clearError,
  openItem,
  focusItem,
  expand,
  highlightPath,
  setStatus,
};
window.koppel = app; // handy for debugging and for the end-to-end tests

// -- start -------------------------------------------------------------------------------

function start() {
  setLang(localStorage.getItem('koppel.lang') === 'en' ? 'en' : 'nl');
  app.canvas = new Canvas($('cy'), {
    onSelect: (data) => {
      state.selected = data;
      renderNodeCard();
    },
    onExpand: (data) => expand(data.id),
    onChange: () => {
      renderCount();
      renderFilters();
    },
  });
  app.canvas.lang = getLang();

  $('lang-toggle').addEventListener('click', () => {
    setLang(getLang() === 'nl' ? 'en' : 'nl');
    localStorage.setItem('koppel.lang', getLang());
    app.canvas.setLang(getLang());
    render();
    renderAnalyst(app);
  });
  $('btn-fit').addEventListener('click', () => app.canvas.fit());
  $('btn-layout').addEventListener('click', () => app.canvas.layout({ randomize: true }));
  $('btn-clear').addEventListener('click', () => {
    app.canvas.clear();
    state.selected = null;
    renderNodeCard();
  });
  $('export-png').addEventListener('click', (e) => {
    const a = e.currentTarget;
    if (!app.canvas.cy.nodes().length) {
      e.preventDefault();
      return;
    }
    swapHref(a, app.canvas.png());
  });
  $('export-json').addEventListener('click', (e) => {
    swapHref(e.currentTarget, new Blob([JSON.stringify(app.canvas.json(), null, 2)], { type: 'application/json' }));
  });
  const asOf = $('as-of-input');
  asOf.addEventListener('change', () => setAsOf(asOf.value));
  $('as-of-clear').addEventListener('click', () => {
    asOf.value = '';
    setAsOf('');
  });

  setupTabs();
  initSearch(app);
  initAnalyst(app);
  window.addEventListener('hashchange', route);
  render();
  route();
}

function swapHref(a, blob) {
  if (a.dataset.url) URL.revokeObjectURL(a.dataset.url);
  const url = URL.createObjectURL(blob);
  a.dataset.url = url;
  a.href = url;
}

function setupTabs() {
  const tabs = [$('tab-page'), $('tab-analyst')];
  const select = (tab) => {
    for (const other of tabs) {
      const on = other === tab;
      other.setAttribute('aria-selected', String(on));
      other.tabIndex = on ? 0 : -1;
      $(other.getAttribute('aria-controls')).hidden = !on;
    }
    state.tab = tab === tabs[1] ? 'analyst' : 'page';
    updateLayout();
  };
  app.selectTab = (name) => select(name === 'analyst' ? tabs[1] : tabs[0]);
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
        select(next);
        next.focus();
      }
    });
  });
}

// -- routing -----------------------------------------------------------------------------

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'country' && parts[1]) return { kind: 'country', key: parts[1] };
  if (parts[0] === 'node' && parts[1] && parts[2]) return { kind: 'node', label: parts[1], key: parts.slice(2).join('/') };
  return { kind: 'home' };
}

/** Navigate to an item: a country page for countries, a node page otherwise. */
function openItem(label, key) {
  const hash = label === 'Country' ? `#/country/${encodeURIComponent(key)}` : `#/node/${encodeURIComponent(label)}/${encodeURIComponent(key)}`;
  app.selectTab('page');
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  const r = parseHash();
  const token = ++app.navToken;
  state.route = r;
  state.country = null;
  state.linkages = null;
  state.node = null;
  state.activeReason = null;
  state.evidence = null;
  state.loading = true;
  clearError();
  render();
  try {
    if (r.kind === 'home') {
      state.countries = state.countries ?? (await api.countries()).countries ?? [];
    } else if (r.kind === 'country') {
      const [country, linkages, hood] = await Promise.all([
        api.country(r.key),
        api.linkages(r.key, state.asOf).catch((err) => ({ error: err })),
        api.neighbourhood(r.key, { depth: 1 }).catch(() => null),
      ]);
      if (token !== app.navToken) return;
      state.country = country;
      state.linkages = linkages;
      app.canvas.set(hood ?? { nodes: [{ data: { ...country.country, id: country.country.key, type: 'Country' } }] }, { focus: r.key });
    } else {
      const res = await api.node(r.label, r.key);
      if (token !== app.navToken) return;
      state.node = res;
      app.canvas.set(res.elements, { focus: r.key });
    }
  } catch (err) {
    if (token !== app.navToken) return;
    showError(err);
  }
  if (token !== app.navToken) return;
  state.loading = false;
  state.selected = null;
  render();
  renderNodeCard();
}

// -- actions -----------------------------------------------------------------------------

function setAsOf(value) {
  state.asOf = value || '';
  app.canvas.setFilters({ asOf: state.asOf });
  if (state.route.kind === 'country' && state.country) {
    const token = app.navToken;
    const key = state.route.key;
    api
      .linkages(key, state.asOf)
      .catch((err) => ({ error: err }))
      .then((linkages) => {
        if (token !== app.navToken) return;
        state.linkages = linkages;
        state.activeReason = null;
        state.evidence = null;
        app.canvas.clearHighlight();
        render();
      });
  }
  render();
}

/** Select an item of a page on the canvas, fetching it if it is not there. */
async function focusItem(item) {
  const key = item.key ?? item.id;
  const canvas = app.canvas;
  if (canvas.cy.getElementById(key).empty()) {
    try {
      setStatus(t('canvas.expanding'));
      const res = await api.node(item.label ?? item.type, key);
      canvas.merge(res.elements, { around: state.route.key });
      setStatus('');
    } catch (err) {
      setStatus('');
      showError(err);
      return;
    }
  }
  canvas.focus(key);
  canvas.center(key);
  state.selected = canvas.cy.getElementById(key).data() ?? null;
  renderNodeCard();
}

/** Load a node's neighbourhood (depth 1) into the canvas. */
async function expand(key) {
  setStatus(t('canvas.expanding'));
  try {
    const res = await api.neighbourhood(key, { depth: 1, limit: 200 });
    const added = app.canvas.merge(res, { around: key });
    app.canvas.focus(key);
    setStatus(t('canvas.added', { n: added.nodes.length }));
  } catch (err) {
    setStatus('');
    showError(err);
  }
}

/**
 * Highlight a reason's path; nodes and edges of the path that are not on the
 * canvas yet are fetched (only the path's own elements are added).
 */
async function highlightPath(path) {
  const canvas = app.canvas;
  const keys = keysToFetchForPath(path, canvas.ids());
  if (keys.length) {
    const wanted = new Set(pathHighlight(path).ids);
    const results = await Promise.all(keys.map((k) => api.neighbourhood(k, { depth: 1, limit: 500 }).catch(() => null)));
    // Nodes first, then edges, so edges find both endpoints.
    for (const res of results) if (res) canvas.merge({ nodes: pickElements(res, wanted).nodes, edges: [] }, { layout: false });
    for (const res of results) if (res) canvas.merge(pickElements(res, wanted), { layout: false });
    canvas.layout();
  }
  return canvas.highlight(path);
}

function setStatus(text) {
  $('canvas-status').textContent = text;
}

function showError(err) {
  const box = $('app-error');
  const title = err?.title === 'network' ? t('error.network') : err?.title || t('error.generic');
  mount(
    box,
    h('strong', {}, title),
    err?.detail ? h('span', {}, ` ${err.detail}`) : null,
    h('button', { type: 'button', class: 'icon', 'aria-label': t('node.close'), onclick: clearError }, '×'),
  );
  box.hidden = false;
}

function clearError() {
  $('app-error').hidden = true;
}

// -- rendering ---------------------------------------------------------------------------

function render() {
  document.documentElement.lang = getLang();
  document.title = t('app.title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr, t(key));
    }
  }
  $('lang-toggle').textContent = t('lang.toggle');
  $('lang-toggle').setAttribute('aria-label', t('lang.toggle.label'));
  $('lang-toggle').setAttribute('lang', getLang() === 'nl' ? 'en' : 'nl');
  updateLayout();
  renderPage(app, $('page'));
  rerenderEvidence(app);
  renderCount();
  renderFilters();
  renderNodeCard();
}

/** The side panel is wide on the analyst tab and on the country list. */
function updateLayout() {
  const wide = state.tab === 'analyst' || (state.route.kind === 'home' && !app.canvas.cy.nodes().length);
  const layout = document.querySelector('.layout');
  if (layout.classList.contains('wide') !== wide) {
    layout.classList.toggle('wide', wide);
    app.canvas.cy.resize();
  }
}

function renderCount() {
  const canvas = app.canvas;
  const total = canvas.cy.nodes().length;
  const n = canvas.visibleCount();
  const el = $('node-count');
  el.dataset.count = String(n);
  el.textContent = n === total ? t('canvas.count', { n }) : t('canvas.count.of', { n, total });
  $('canvas-empty').hidden = total > 0;
}

function renderFilters() {
  const { labels, rels } = app.canvas.counts();
  mount(
    $('legend-list'),
    legendItems(labels).map((item) =>
      h(
        'li',
        { class: item.count ? '' : 'absent' },
        h(
          'label',
          {},
          h('input', {
            type: 'checkbox',
            checked: !state.hiddenTypes.has(item.label),
            dataset: { testid: 'filter-node-type', type: item.label },
            onchange: (e) => {
              if (e.target.checked) state.hiddenTypes.delete(item.label);
              else state.hiddenTypes.add(item.label);
              app.canvas.setFilters({ hiddenTypes: state.hiddenTypes });
            },
          }),
          svg(legendShapeSvg(item.shape), { class: 'swatch', fill: item.color, stroke: item.color }),
          h('span', { class: 'legend-name' }, tv('label', item.label)),
          h('span', { class: 'legend-count' }, item.count ? String(item.count) : ''),
        ),
      ),
    ),
  );
  const types = [...new Set([...Object.keys(rels), ...state.hiddenRels])].sort();
  mount(
    $('rel-list'),
    types.length
      ? types.map((type) =>
          h(
            'li',
            {},
            h(
              'label',
              {},
              h('input', {
                type: 'checkbox',
                checked: !state.hiddenRels.has(type),
                dataset: { testid: 'filter-rel-type', type },
                onchange: (e) => {
                  if (e.target.checked) state.hiddenRels.delete(type);
                  else state.hiddenRels.add(type);
                  app.canvas.setFilters({ hiddenRels: state.hiddenRels });
                },
              }),
              h('span', { class: 'rel-name' }, type),
              h('span', { class: 'legend-count' }, rels[type] ? String(rels[type]) : ''),
            ),
          ),
        )
      : h('li', { class: 'hint' }, t('filters.rels.none')),
  );
}

const CARD_PROPS = ['kind', 'domain', 'status', 'agreement_type', 'level', 'trend', 'as_of', 'date', 'valid_from', 'valid_to', 'direction', 'outcome', 'channel', 'amount_eur'];

function renderNodeCard() {
  const card = $('node-card');
  const d = state.selected;
  if (!d || app.canvas.cy.getElementById(d.id).empty()) {
    card.hidden = true;
    return;
  }
  const props = d.properties ?? {};
  const rows = CARD_PROPS.filter((p) => props[p] !== undefined && props[p] !== null && props[p] !== '').map((p) => {
    const v = props[p];
    const shown = /date|as_of|valid_/.test(p) ? fmtDate(v) : ['domain', 'status', 'level', 'trend', 'direction', 'outcome', 'channel'].includes(p) ? tv(p, v) : String(v);
    return h('div', { class: 'kv' }, h('dt', {}, p.replace(/_/g, ' ')), h('dd', {}, shown));
  });
  mount(
    card,
    h(
      'div',
      { class: 'node-card-head' },
      h('span', { class: 'badge', style: { '--badge': '' } }, tv('label', d.type)),
      h('strong', {}, displayName(d, getLang())),
      h('button', { type: 'button', class: 'icon', 'aria-label': t('node.close'), onclick: () => { state.selected = null; renderNodeCard(); } }, '×'),
    ),
    h('dl', {}, h('div', { class: 'kv' }, h('dt', {}, t('node.key')), h('dd', {}, h('code', {}, d.id))), rows),
    h(
      'div',
      { class: 'node-card-actions' },
      h('button', { type: 'button', testid: 'expand-button', onclick: () => expand(d.id) }, t('node.expand')),
      h('button', { type: 'button', testid: 'open-button', onclick: () => openItem(d.type, d.id) }, t('node.open')),
    ),
  );
  card.hidden = false;
}

start();
