// The explorer's wiring: state, routing (#/country/IRQ, #/node/Label/key),
// the canvas toolbar, legend and filters, the node card. Pages live in
// pages.js, the analyst panel in analyst.js, search in search.js.

import './style.css';
import { api } from './api.js';
import { Canvas, loadFcose } from './canvas.js';
import { h, mount, svg } from './dom.js';
import { History, cyStylesheet, displayName, edgeStyle, groupExpansion, hashToView, keysToFetchForPath, labelName, legendItems, legendShapeSvg, pathHighlight, pickElements, relName, setSchema, styleFor, viewToHash, withKnownBy } from './graph.js';
import { getLang, setLang, t, tv, fmtDate } from './i18n.js';
import { initSearch } from './search.js';
import { renderPage, rerenderEvidence } from './pages.js';
import { initViews, renderViews } from './views.js';

const $ = (id) => document.getElementById(id);
let quietCanvas = false; // true while route() fills the canvas: its onChange is left to the render() that follows

// The analyst panel is a separate chunk, loaded when its tab is first opened
// (or when the browser is idle after the first page): a country page does not need it.
let analystChunk = null;
let analystStarted = false;
function loadAnalyst() {
  analystChunk ??= import('./analyst.js').catch((err) => {
    analystChunk = null; // asked again next time
    throw err;
  });
  return analystChunk;
}
/** Render the analyst panel if its chunk is in (starting it on the first call with `start`). */
function renderAnalyst(app, { start = false } = {}) {
  if (!analystStarted && !start) return;
  loadAnalyst().then(
    (m) => {
      if (!analystStarted) {
        analystStarted = true;
        m.initAnalyst(app);
      } else m.renderAnalyst(app);
    },
    (err) => showError(err),
  );
}

const state = {
  route: { kind: 'home' },
  countries: null,
  country: null, // GET /api/countries/{iso3}
  linkages: null, // GET /api/countries/{iso3}/linkages
  node: null, // GET /api/nodes/{label}/{key}
  loading: false,
  asOf: '',
  knownBy: '', // known_by of the URL state: only what sources dated by then stated
  hiddenTypes: new Set(),
  hiddenRels: new Set(),
  tab: 'page',
  selected: null, // node data shown in the node card
  activeReason: null, // "candidateIndex:reasonIndex"
  evidence: null, // {sources, index, anchor, data, error}
  expanded: [], // node keys expanded by hand, in order (kept in the URL)
  compare: null, // {keys, items: [{key, country, linkages, similar, brokers}]}
  returns: null, // GET /api/countries/{iso3}/returns, or {error}
  capabilities: null,
  schemaError: null,
};
const history = new History(40);

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
  setAsOf,
  syncUrl,
  record,
  undo,
  redo,
  currentHash,
};
window.koppel = app; // handy for debugging and for the end-to-end tests

// -- start -------------------------------------------------------------------------------

async function start() {
  setLang(localStorage.getItem('koppel.lang') === 'en' ? 'en' : 'nl');
  performance.mark('koppel:start');
  // The schema and the first page's data are fetched at the same time; route() waits for both.
  app.schemaReady = api.schema().then(
    (answer) => {
      setSchema(answer);
      app.canvas?.cy.style(cyStylesheet());
      performance.mark('koppel:schema');
    },
    (err) => {
      state.schemaError = err;
      showError(err);
    },
  );
  // index.html asked for the schema already; waiting for it (briefly) lets Cytoscape
  // parse one stylesheet, made from the schema, instead of a neutral one and then that.
  await Promise.race([app.schemaReady, new Promise((resolve) => setTimeout(resolve, 300))]);
  app.canvas = new Canvas($('cy'), {
    onSelect: (data, how) => {
      state.selected = data;
      renderNodeCard(how?.keyboard);
    },
    onExpand: (data) => (data.type === 'Group' ? openGroup(data.id) : expand(data.id)),
    onHide: (data) => hideNode(data.id),
    onKbdFocus: (data) => setStatus(t('canvas.focused', { name: data.full ?? displayName(data, getLang()), label: nodeTypeName(data) })),
    onChange: () => {
      if (quietCanvas) return; // route() draws the count and legend once, with the page
      renderCount();
      renderFilters();
      updateUndo();
    },
  }); // its stylesheet is cyStylesheet(), the schema's when it has come
  performance.mark('koppel:cy');
  app.canvas.lang = getLang();
  app.canvas.groupLabel = (d) => t('canvas.group', { n: d.count, label: labelName(d.groupType, getLang()) });

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
    record();
    app.canvas.clear();
    state.expanded = [];
    state.selected = null;
    syncUrl();
    renderNodeCard();
  });
  $('btn-undo').addEventListener('click', undo);
  $('btn-redo').addEventListener('click', redo);
  $('export-png').addEventListener('click', async (e) => {
    e.preventDefault();
    if (!app.canvas.cy.nodes().length) return;
    const blob = await app.canvas.annotatedPng(pngInfo());
    download(blob, `koppel-${state.route.key ?? 'view'}${state.asOf ? `-${state.asOf}` : ''}.png`);
  });
  $('export-json').addEventListener('click', (e) => {
    swapHref(e.currentTarget, new Blob([JSON.stringify(app.canvas.json(), null, 2)], { type: 'application/json' }));
  });
  dateFields($('date-fields'));
  const asOf = $('as-of-input');
  asOf.addEventListener('change', () => setAsOf(asOf.value));
  $('as-of-clear').addEventListener('click', () => {
    asOf.value = '';
    setAsOf('');
  });
  // Known by: every answer is asked again at that date, so the view is opened anew at its URL.
  const knownBy = $('known-by-input');
  knownBy.addEventListener('change', () => setKnownBy(knownBy.value));
  $('known-by-clear').addEventListener('click', () => setKnownBy(''));
  document.addEventListener('keydown', onGlobalKey);

  setupTabs();
  initSearch(app);
  initViews(app);
  window.addEventListener('hashchange', route);
  performance.mark('koppel:wired');
  // route() renders the whole page at once (its loading state first).
  api.capabilities().then(
    (c) => {
      state.capabilities = c;
      renderAnalyst(app);
    },
    () => {},
  );
  route();
}

/**
 * The filter column's date fields, one markup for both: as-of (what held on
 * that date) and known-by (only what sources dated by then stated). Each is a
 * label, a date input `#<id>-input`, a clear button `#<id>-clear` and a hint;
 * their words come from i18n (`<words>.label`, `.clear`, `.hint`) on render().
 */
const DATE_FIELDS = [
  { id: 'as-of', words: 'asof', cls: 'asof' },
  { id: 'known-by', words: 'knownby', cls: 'asof knownby' },
];

function dateFields(root) {
  mount(
    root,
    DATE_FIELDS.map(({ id, words, cls }) =>
      h(
        'div',
        { class: cls },
        h('label', { for: `${id}-input`, dataset: { i18n: `${words}.label` } }),
        h(
          'div',
          { class: 'asof-row' },
          h('input', { id: `${id}-input`, type: 'date', testid: `${id}-input`, min: '1900-01-01', max: '2100-12-31' }),
          h('button', { id: `${id}-clear`, type: 'button', class: 'icon', dataset: { i18nAttr: `aria-label:${words}.clear,title:${words}.clear` } }, '×'),
        ),
        h('p', { class: 'hint', dataset: { i18n: `${words}.hint` } }),
      ),
    ),
  );
}

function nodeTypeName(data) {
  return data.type === 'Group' ? labelName(data.groupType, getLang()) : labelName(data.type, getLang());
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

function swapHref(a, blob) {
  if (a.dataset.url) URL.revokeObjectURL(a.dataset.url);
  const url = URL.createObjectURL(blob);
  a.dataset.url = url;
  a.href = url;
}

/** Title, date line, legend and source for an exported PNG. */
function pngInfo() {
  const lang = getLang();
  const { labels, rels } = app.canvas.counts();
  const title = state.route.kind === 'country' && state.country
    ? t('png.title', { name: displayName(state.country.country, lang) })
    : state.route.kind === 'node' && state.node
      ? t('png.title', { name: displayName(state.node.node, lang) })
      : t('png.title', { name: t('png.view') });
  const today = new Date().toISOString().slice(0, 10);
  const legend = [
    ...Object.keys(labels).filter((l) => l !== 'Group').map((l) => ({ name: labelName(l, lang), color: styleFor(l).color })),
    ...Object.keys(rels).filter((r) => edgeStyle(r)).map((r) => ({ name: relName(r, lang), color: edgeStyle(r).color, line: edgeStyle(r).lineStyle })),
  ];
  return {
    title,
    subtitle: state.asOf ? t('png.asof', { date: fmtDate(state.asOf) }) : fmtDate(today),
    legend,
    source: t('png.source', { date: fmtDate(today) }),
  };
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
    if (state.tab === 'analyst') renderAnalyst(app, { start: true });
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

/** Esc closes the topmost overlay (evidence box, node card, error); Ctrl+Z / Ctrl+Shift+Z undo and redo on the canvas. */
function onGlobalKey(e) {
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target?.tagName ?? '');
  if (e.key === 'Escape') {
    const ev = document.getElementById('evidence-box');
    if (ev) {
      const trigger = state.evidence?.trigger;
      ev.querySelector('button.icon')?.click();
      trigger?.focus?.();
      return;
    }
    if (!$('node-card').hidden) {
      state.selected = null;
      renderNodeCard();
      $('cy').focus();
      return;
    }
    if (!$('app-error').hidden) clearError();
    return;
  }
  if (typing) return;
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    if (e.shiftKey) redo();
    else undo();
  } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'y') {
    e.preventDefault();
    redo();
  }
}

// -- routing -----------------------------------------------------------------------------

/** The URL fragment of the current view (route, as-of, filters, expanded nodes). */
function currentHash() {
  const r = state.route;
  return viewToHash({ ...r, asOf: state.asOf, knownBy: state.knownBy, hiddenTypes: [...state.hiddenTypes], hiddenRels: [...state.hiddenRels], expanded: state.expanded });
}

/** Write the view state into the URL without navigating. */
function syncUrl() {
  const hash = currentHash();
  if (location.hash !== hash) window.history.replaceState(null, '', hash);
  renderViews(app);
}

/** Navigate to an item: a country page for countries, a node page otherwise. */
function openItem(label, key) {
  const view = label === 'Country' ? { kind: 'country', key } : { kind: 'node', label, key };
  const hash = viewToHash({ ...view, asOf: state.asOf, knownBy: state.knownBy });
  app.selectTab('page');
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  const view = hashToView(location.hash);
  const token = ++app.navToken;
  state.route = view;
  state.asOf = view.asOf;
  state.knownBy = view.knownBy ?? '';
  // The country list is the one known by that date: asked again when the date changes.
  if (state.countriesKnownBy !== state.knownBy) {
    state.countries = null;
    state.countriesKnownBy = state.knownBy;
  }
  $('as-of-input').value = state.asOf;
  $('known-by-input').value = state.knownBy;
  state.hiddenTypes = new Set(view.hiddenTypes);
  state.hiddenRels = new Set(view.hiddenRels);
  app.canvas.filters = { asOf: state.asOf, hiddenTypes: state.hiddenTypes, hiddenRels: state.hiddenRels };
  state.country = null;
  state.linkages = null;
  state.node = null;
  state.compare = null;
  state.returns = null;
  state.activeReason = null;
  state.evidence = null;
  state.expanded = [];
  state.loading = true;
  clearError();
  render();
  let fillCanvas = null;
  try {
    if (view.kind === 'home') {
      const [countries] = await Promise.all([state.countries ?? api.countries(state.knownBy).then((r) => r.countries ?? []), app.schemaReady]);
      if (token !== app.navToken) return;
      state.countries = countries;
    } else if (view.kind === 'country') {
      const [country, linkages, hood, countries] = await Promise.all([
        api.country(view.key, state.knownBy),
        api.linkages(view.key, state.asOf, state.knownBy).catch((err) => ({ error: err })),
        api.neighbourhood(view.key, { depth: 1, knownBy: state.knownBy }).catch(() => null),
        state.countries ?? api.countries(state.knownBy).then((r) => r.countries ?? [], () => null),
        app.schemaReady,
      ]);
      if (token !== app.navToken) return;
      state.countries = countries;
      performance.mark('koppel:data');
      state.country = country;
      state.linkages = linkages;
      state.returns = country.returns ?? null;
      if (!state.returns) {
        api.returns(view.key, state.knownBy).then(
          (r) => {
            if (token !== app.navToken) return;
            state.returns = r;
            render();
          },
          (err) => {
            if (token !== app.navToken) return;
            state.returns = { error: err };
            render();
          },
        );
      }
      const start = hood ?? { nodes: [{ data: { ...country.country, id: country.country.key, type: 'Country' } }] };
      // The canvas is filled after the side panel is drawn (below): the ring's fit then measures a page
      // whose layout is final, and the first frame after the answers has both.
      fillCanvas = () => {
        const grouped = groupExpansion(start, new Set([view.key]), view.key, { threshold: 40 });
        app.canvas.groups.clear();
        if (grouped.groups.length) app.canvas.addGroups(grouped.groups, grouped.members);
        quietCanvas = true;
        try {
          app.canvas.set(grouped.elements, { focus: view.key });
        } finally {
          quietCanvas = false;
        }
        renderCount();
        renderFilters();
        performance.mark('koppel:canvas');
      };
    } else if (view.kind === 'compare') {
      const [countries] = await Promise.all([state.countries ?? api.countries(state.knownBy).then((r) => r.countries ?? []), app.schemaReady]);
      if (token !== app.navToken) return;
      state.countries = countries;
      const items = await Promise.all(
        view.keys.map(async (key) => {
          const [country, linkages, similar, brokers] = await Promise.all([
            api.country(key, state.knownBy).catch((err) => ({ error: err })),
            api.linkages(key, state.asOf, state.knownBy).catch((err) => ({ error: err })),
            api.similar(key, state.knownBy).catch((err) => ({ error: err })),
            api.brokers(key, state.knownBy).catch((err) => ({ error: err })),
          ]);
          return { key, country, linkages, similar, brokers };
        }),
      );
      if (token !== app.navToken) return;
      state.compare = { keys: view.keys, items };
    } else {
      const [res] = await Promise.all([api.node(view.label, view.key, state.knownBy), app.schemaReady]);
      if (token !== app.navToken) return;
      state.node = res;
      app.canvas.set(res.elements, { focus: view.key });
    }
  } catch (err) {
    if (token !== app.navToken) return;
    showError(err);
  }
  if (token !== app.navToken) return;
  state.loading = false;
  state.selected = null;
  history.past = [];
  history.future = [];
  render();
  performance.mark('koppel:rendered');
  try {
    fillCanvas?.();
  } catch (err) {
    showError(err);
  }
  renderNodeCard();
  // Expanded nodes named in the URL, in order.
  for (const key of view.expanded) {
    if (token !== app.navToken) return;
    if (key.startsWith('group:')) openGroup(key, { record: false });
    else await expand(key, { record: false });
  }
  updateUndo();
  // Focus moves to the content that opened.
  document.querySelector('#page h2')?.focus({ preventScroll: true });
  performance.mark?.(`koppel:ready:${view.kind}`);
  window.koppelReady = location.hash;
  // What the first page did not need, fetched and compiled while the reader reads.
  const idle = window.requestIdleCallback ?? ((f) => setTimeout(f, 200));
  idle(() => {
    loadFcose().catch(() => {}); // a failure is met again, and said, where the chunk is needed
    loadAnalyst().catch(() => {});
  });
}

// -- actions -----------------------------------------------------------------------------

/** Read the view at another known-by date ('' for everything known now): the same view at its new URL. */
function setKnownBy(value) {
  const hash = withKnownBy(currentHash(), value);
  if (location.hash === hash) $('known-by-input').value = state.knownBy;
  else location.hash = hash;
}

function setAsOf(value) {
  state.asOf = value || '';
  $('as-of-input').value = state.asOf;
  app.canvas.setFilters({ asOf: state.asOf });
  syncUrl();
  const token = app.navToken;
  if (state.route.kind === 'country' && state.country) {
    const key = state.route.key;
    api
      .linkages(key, state.asOf, state.knownBy)
      .catch((err) => ({ error: err }))
      .then((linkages) => {
        if (token !== app.navToken) return;
        state.linkages = linkages;
        state.activeReason = null;
        state.evidence = null;
        app.canvas.clearHighlight();
        render();
      });
  } else if (state.route.kind === 'compare' && state.compare) {
    Promise.all(state.compare.items.map((it) => api.linkages(it.key, state.asOf, state.knownBy).catch((err) => ({ error: err })))).then((all) => {
      if (token !== app.navToken) return;
      all.forEach((l, i) => (state.compare.items[i].linkages = l));
      render();
    });
  }
  render();
}

/** Remember the canvas before a change, for undo. */
function record() {
  history.push({ snap: app.canvas.snapshot(), expanded: [...state.expanded] });
  updateUndo();
}

function undo() {
  const back = history.undo({ snap: app.canvas.snapshot(), expanded: [...state.expanded] });
  if (!back) return;
  app.canvas.restore(back.snap);
  state.expanded = back.expanded;
  syncUrl();
  updateUndo();
  setStatus('');
}

function redo() {
  const fwd = history.redo({ snap: app.canvas.snapshot(), expanded: [...state.expanded] });
  if (!fwd) return;
  app.canvas.restore(fwd.snap);
  state.expanded = fwd.expanded;
  syncUrl();
  updateUndo();
}

function updateUndo() {
  $('btn-undo').disabled = !history.canUndo;
  $('btn-redo').disabled = !history.canRedo;
}

/** Select an item of a page on the canvas, fetching it if it is not there. */
async function focusItem(item) {
  const key = item.key ?? item.id;
  const canvas = app.canvas;
  if (canvas.cy.getElementById(key).empty()) {
    try {
      setStatus(t('canvas.expanding'));
      const res = await api.node(item.label ?? item.type, key, state.knownBy);
      record();
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

/** Load a node's neighbourhood (depth 1) into the canvas; a large one is grouped by type. */
async function expand(key, { record: remember = true } = {}) {
  setStatus(t('canvas.expanding'));
  try {
    const res = await api.neighbourhood(key, { depth: 1, limit: 200, knownBy: state.knownBy });
    const before = { snap: app.canvas.snapshot(), expanded: [...state.expanded] };
    const grouped = groupExpansion(res, app.canvas.ids(), key);
    if (grouped.groups.length) app.canvas.addGroups(grouped.groups, grouped.members);
    const added = app.canvas.merge(grouped.elements, { around: key });
    app.canvas.focus(key);
    // Only an expansion that changed the canvas is kept (in the URL and for undo).
    if (added.nodes.length || added.edges.length) {
      if (remember) {
        history.push(before);
        updateUndo();
      }
      if (!state.expanded.includes(key)) state.expanded.push(key);
      syncUrl();
    }
    setStatus(t('canvas.added', { n: added.nodes.length }));
  } catch (err) {
    setStatus('');
    showError(err);
  }
}

/** Draw the nodes a group node stands for; kept in the URL's `expand` list like an expansion. */
function openGroup(id, { record: remember = true } = {}) {
  if (!app.canvas.groups.has(id)) return;
  if (remember) record();
  const added = app.canvas.openGroup(id);
  if (added) {
    if (!state.expanded.includes(id)) state.expanded.push(id);
    syncUrl();
    setStatus(t('canvas.added', { n: added.nodes.length }));
  }
}

function hideNode(id) {
  record();
  app.canvas.remove([id]);
  if (state.selected?.id === id) state.selected = null;
  state.expanded = state.expanded.filter((k) => k !== id);
  syncUrl();
  renderNodeCard();
}

function collapseNode(id) {
  record();
  const gone = app.canvas.collapse(id);
  state.expanded = state.expanded.filter((k) => k !== id && !gone.includes(k));
  syncUrl();
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
    const results = await Promise.all(keys.map((k) => api.neighbourhood(k, { depth: 1, limit: 500, knownBy: state.knownBy }).catch(() => null)));
    record();
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
  renderViews(app);
}

/** The side panel is wide on the analyst tab, the country list and the comparison. */
function updateLayout() {
  const wide = state.tab === 'analyst' || state.route.kind === 'compare' || (state.route.kind === 'home' && !app.canvas.cy.nodes().length);
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
  const lang = getLang();
  const { labels, rels } = app.canvas.counts();
  const toggle = (set, key) => (e) => {
    if (e.target.checked) set.delete(key);
    else set.add(key);
    app.canvas.setFilters({ hiddenTypes: state.hiddenTypes, hiddenRels: state.hiddenRels });
    syncUrl();
  };
  mount(
    $('legend-list'),
    legendItems(labels)
      .filter((item) => item.count || state.hiddenTypes.has(item.label))
      .map((item) =>
        h(
          'li',
          {},
          h(
            'label',
            {},
            h('input', { type: 'checkbox', checked: !state.hiddenTypes.has(item.label), dataset: { testid: 'filter-node-type', type: item.label }, onchange: toggle(state.hiddenTypes, item.label) }),
            svg(legendShapeSvg(item.shape), { class: 'swatch', fill: item.color, stroke: item.color }),
            h('span', { class: 'legend-name' }, labelName(item.label, lang)),
            h('span', { class: 'legend-count' }, item.count ? String(item.count) : ''),
          ),
        ),
      ),
    labels.Linkage
      ? [
          h('li', { class: 'legend-extra' }, svg('<circle cx="8" cy="8" r="7"/>', { class: 'swatch', fill: '#1e8a4c' }), h('span', {}, t('legend.offer'))),
          h('li', { class: 'legend-extra' }, svg('<polygon points="1,1 8,7 15,1 8,15"/>', { class: 'swatch', fill: '#7a1010', stroke: '#000', 'stroke-dasharray': '2 1' }), h('span', {}, t('legend.cut'))),
        ]
      : null,
    labels.Group ? h('li', { class: 'legend-extra' }, svg('<rect x="1" y="4" width="14" height="8" rx="2"/>', { class: 'swatch', fill: '#eef1f5', stroke: '#5b6573', 'stroke-dasharray': '2 1' }), h('span', {}, t('legend.group'))) : null,
  );
  const types = [...new Set([...Object.keys(rels), ...state.hiddenRels])].filter((x) => x !== 'GROUP').sort((a, b) => relName(a, lang).localeCompare(relName(b, lang)));
  mount(
    $('rel-list'),
    types.length
      ? types.map((type) => {
          const st = edgeStyle(type);
          return h(
            'li',
            {},
            h(
              'label',
              {},
              h('input', { type: 'checkbox', checked: !state.hiddenRels.has(type), dataset: { testid: 'filter-rel-type', type }, onchange: toggle(state.hiddenRels, type) }),
              svg(`<line x1="1" y1="8" x2="15" y2="8" stroke-width="${st ? Math.min(4, st.width + 1) : 2}"${st?.lineStyle === 'dashed' ? ' stroke-dasharray="4 2"' : st?.lineStyle === 'dotted' ? ' stroke-dasharray="1 2"' : ''}/>`, { class: 'swatch line', stroke: st?.color ?? '#a3acb9' }),
              h('span', { class: 'rel-name' }, relName(type, lang)),
              h('span', { class: 'legend-count' }, rels[type] ? String(rels[type]) : ''),
            ),
          );
        })
      : h('li', { class: 'hint' }, t('filters.rels.none')),
  );
}

// first_reported: only an undated fact has it (its label says so); the server marks it (koppel.graph.validity.Timeline).
const CARD_PROPS = ['kind', 'domain', 'status', 'agreement_type', 'level', 'trend', 'as_of', 'date', 'first_reported', 'valid_from', 'valid_to', 'direction', 'outcome', 'channel', 'amount_eur'];
const ENUM_PROPS = ['kind', 'domain', 'status', 'level', 'trend', 'direction', 'outcome', 'channel', 'agreement_type'];

function renderNodeCard(byKeyboard = false) {
  const card = $('node-card');
  const d = state.selected;
  if (!d || app.canvas.cy.getElementById(d.id).empty()) {
    card.hidden = true;
    return;
  }
  const lang = getLang();
  if (d.type === 'Group') {
    mount(
      card,
      h('div', { class: 'node-card-head' }, h('strong', { tabindex: '-1', class: 'card-title' }, t('canvas.group', { n: d.count, label: labelName(d.groupType, lang) })), h('button', { type: 'button', class: 'icon', 'aria-label': t('node.close'), onclick: () => { state.selected = null; renderNodeCard(); } }, '×')),
      h('div', { class: 'node-card-actions' }, h('button', { type: 'button', testid: 'group-open', onclick: () => openGroup(d.id) }, t('canvas.group.open', { n: d.count }))),
    );
    card.hidden = false;
    if (byKeyboard) card.querySelector('.card-title')?.focus();
    return;
  }
  const props = d.properties ?? {};
  const rows = CARD_PROPS.filter((p) => props[p] !== undefined && props[p] !== null && props[p] !== '').map((p) => {
    const v = props[p];
    const shown = /date|as_of|valid_|first_reported/.test(p) ? fmtDate(v) : ENUM_PROPS.includes(p) ? tv(p, v) : p === 'amount_eur' ? `€ ${v}` : String(v);
    return h('div', { class: 'kv' }, h('dt', {}, t(`prop.${p}`)), h('dd', {}, shown));
  });
  const pinned = app.canvas.cy.getElementById(d.id).hasClass('pinned');
  mount(
    card,
    h(
      'div',
      { class: 'node-card-head' },
      h('span', { class: 'badge' }, labelName(d.type, lang)),
      h('strong', { tabindex: '-1', class: 'card-title' }, displayName(d, lang)),
      h('button', { type: 'button', class: 'icon', 'aria-label': t('node.close'), onclick: () => { state.selected = null; renderNodeCard(); } }, '×'),
    ),
    h('dl', {}, rows),
    h(
      'div',
      { class: 'node-card-actions' },
      h('button', { type: 'button', testid: 'expand-button', onclick: () => expand(d.id) }, t('node.expand')),
      h('button', { type: 'button', testid: 'collapse-button', onclick: () => collapseNode(d.id) }, t('node.collapse')),
      h('button', { type: 'button', testid: 'hide-button', onclick: () => hideNode(d.id) }, t('node.hide')),
      h('button', { type: 'button', testid: 'pin-button', 'aria-pressed': String(pinned), onclick: () => { app.canvas.togglePin(d.id); renderNodeCard(); } }, pinned ? t('node.unpin') : t('node.pin')),
      h('button', { type: 'button', testid: 'open-button', onclick: () => openItem(d.type, d.id) }, t('node.open')),
    ),
  );
  card.hidden = false;
  if (byKeyboard) card.querySelector('.card-title')?.focus();
}

start();
