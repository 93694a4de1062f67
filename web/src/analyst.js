// The analyst panel: the query catalogue with a form per query, and a
// read-only Cypher console. Both show their rows in one results table and,
// when the response has `elements`, on the canvas.

import { api } from './api.js';
import { h, mount } from './dom.js';
import { isLocator, normalizeElements } from './graph.js';
import { t } from './i18n.js';

const MAX_ROWS = 500;

const local = {
  queries: null,
  loadError: null,
  selected: null, // query name
  values: {}, // name -> {param: value}
  running: false,
  results: null, // {columns, rows, source}
  error: null,
  addToCanvas: true, // catalogue results add to the canvas unless unticked
  cypher: 'MATCH (c:Country)-[r]-(n)\nWHERE c.key = $key\nRETURN c, r, n\nLIMIT 50',
  cypherParams: '{"key": "IRQ"}',
  token: '',
};

export function initAnalyst(app) {
  local.token = sessionStorage.getItem('koppel.token') ?? '';
  renderAnalyst(app);
  const tab = document.getElementById('tab-analyst');
  tab.addEventListener('click', () => loadQueries(app));
  // Loaded lazily: the tab may already be open (the click that loaded this module).
  if (tab.getAttribute('aria-selected') === 'true') loadQueries(app);
}

async function loadQueries(app) {
  if (local.queries) return;
  try {
    local.queries = (await api.queries()).queries ?? [];
    local.loadError = null;
  } catch (err) {
    local.queries = null;
    local.loadError = err;
  }
  renderAnalyst(app);
}

/** Convert a form value to the parameter's type; throws on a bad number. */
export function coerceParam(type, raw) {
  const ty = String(type ?? 'string').toLowerCase();
  if (ty === 'bool' || ty === 'boolean') return Boolean(raw);
  if (raw === '' || raw === null || raw === undefined) return undefined;
  if (ty === 'int' || ty === 'integer') {
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new Error('int');
    return n;
  }
  if (ty === 'float' || ty === 'number') {
    const n = Number(raw);
    if (Number.isNaN(n)) throw new Error('float');
    return n;
  }
  if (ty.endsWith('[]') || ty === 'list') return String(raw).split(',').map((s) => s.trim()).filter(Boolean);
  return String(raw);
}

function inputFor(param, value, onChange) {
  const ty = String(param.type ?? 'string').toLowerCase();
  const id = `param-${param.name}`;
  const common = { id, name: param.name, 'aria-describedby': param.description ? `${id}-desc` : null, dataset: { testid: 'query-param', param: param.name } };
  if (ty === 'bool' || ty === 'boolean') {
    return h('input', { ...common, type: 'checkbox', checked: Boolean(value), onchange: (e) => onChange(e.target.checked) });
  }
  const type = ty === 'date' ? 'date' : ty === 'int' || ty === 'integer' || ty === 'float' || ty === 'number' ? 'number' : 'text';
  return h('input', {
    ...common,
    type,
    step: ty === 'float' || ty === 'number' ? 'any' : null,
    required: Boolean(param.required),
    value: Array.isArray(value) ? value.join(', ') : value ?? '',
    oninput: (e) => onChange(e.target.value),
  });
}

export function renderAnalyst(app) {
  const root = document.getElementById('analyst');
  const focusedId = document.activeElement?.id;
  mount(root, queriesSection(app), cypherSection(app), resultsSection(app));
  if (focusedId && root.contains(document.getElementById(focusedId))) document.getElementById(focusedId).focus();
}

function queriesSection(app) {
  const queries = local.queries ?? [];
  const selected = queries.find((q) => q.name === local.selected);
  return h(
    'section',
    { class: 'block queries' },
    h('h3', {}, t('analyst.queries')),
    local.loadError ? h('p', { class: 'error-inline', role: 'alert' }, local.loadError.title, local.loadError.detail ? `: ${local.loadError.detail}` : '') : null,
    local.queries === null && !local.loadError ? h('p', { class: 'loading' }, t('loading')) : null,
    local.queries && !queries.length ? h('p', { class: 'hint' }, t('analyst.queries.none')) : null,
    h(
      'ul',
      { class: 'query-list', testid: 'query-list' },
      queries.map((q) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: `query${q.name === local.selected ? ' active' : ''}`,
              'aria-pressed': String(q.name === local.selected),
              testid: 'query-item',
              dataset: { name: q.name },
              onclick: () => {
                local.selected = q.name;
                prefill(app, q);
                renderAnalyst(app);
                document.querySelector('#query-form input, #query-form button[type="submit"]')?.focus();
              },
            },
            h('code', {}, q.name),
            h('span', { class: 'question' }, q.question ?? ''),
          ),
        ),
      ),
    ),
    selected ? queryForm(app, selected) : null,
  );
}

/** Fill defaults, and the open country for a country parameter. */
function prefill(app, q) {
  const vals = (local.values[q.name] = local.values[q.name] ?? {});
  for (const p of q.parameters ?? []) {
    if (vals[p.name] !== undefined) continue;
    if (p.default !== undefined && p.default !== null) vals[p.name] = p.default;
    else if (/^(country|iso3|key)$/i.test(p.name) && app.state.route.kind === 'country') vals[p.name] = app.state.route.key;
    else if (/as_of/i.test(p.name) && app.state.asOf) vals[p.name] = app.state.asOf;
  }
}

function queryForm(app, q) {
  const vals = local.values[q.name] ?? {};
  const params = q.parameters ?? [];
  return h(
    'form',
    {
      id: 'query-form',
      class: 'query-form',
      testid: 'query-form',
      onsubmit: (e) => {
        e.preventDefault();
        runQuery(app, q);
      },
    },
    h('p', { class: 'question-full' }, q.question ?? ''),
    h('fieldset', {}, h('legend', {}, t('analyst.params')), params.length
      ? params.map((p) =>
          h(
            'div',
            { class: 'field' },
            h('label', { for: `param-${p.name}` }, p.name, p.required ? h('span', { class: 'req' }, ` (${t('analyst.required')})`) : null, h('span', { class: 'ptype' }, ` ${p.type ?? ''}`)),
            inputFor(p, vals[p.name], (v) => {
              vals[p.name] = v;
            }),
            p.description ? h('p', { class: 'hint', id: `param-${p.name}-desc` }, p.description) : null,
          ),
        )
      : h('p', { class: 'hint' }, t('analyst.params.none'))),
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', checked: local.addToCanvas, onchange: (e) => (local.addToCanvas = e.target.checked) }),
      t('analyst.addToCanvas'),
    ),
    h('button', { type: 'submit', class: 'primary', testid: 'query-run', disabled: local.running }, local.running ? t('analyst.running') : t('analyst.run')),
  );
}

async function runQuery(app, q) {
  const vals = local.values[q.name] ?? {};
  const params = {};
  try {
    for (const p of q.parameters ?? []) {
      let v;
      try {
        v = coerceParam(p.type, vals[p.name]);
      } catch {
        throw { title: t('analyst.value.invalid', { name: p.name }), detail: String(vals[p.name]) };
      }
      if (v !== undefined) params[p.name] = v;
    }
  } catch (err) {
    local.error = err;
    renderAnalyst(app);
    return;
  }
  await run(app, () => api.runQuery(q.name, params), q.name);
}

async function run(app, call, source) {
  local.running = true;
  local.error = null;
  renderAnalyst(app);
  try {
    const res = await call();
    local.results = { columns: res.columns ?? [], rows: res.rows ?? [], source };
    const els = normalizeElements(res.elements);
    if (els.nodes.length) {
      app.record();
      if (local.addToCanvas) app.canvas.merge(els);
      else app.canvas.set(els);
    }
  } catch (err) {
    local.error = err;
    local.results = null;
  }
  local.running = false;
  renderAnalyst(app);
  const box = document.querySelector('#analyst [data-testid="error-box"]');
  if (local.error) box?.focus();
  box?.closest('section')?.scrollIntoView({ block: 'start' });
}

function cypherSection(app) {
  const submit = () => {
    let params = {};
    const raw = local.cypherParams.trim();
    if (raw) {
      try {
        params = JSON.parse(raw);
        if (!params || typeof params !== 'object' || Array.isArray(params)) throw new Error('not an object');
      } catch (err) {
        local.error = { title: t('analyst.params.invalid'), detail: String(err.message ?? err) };
        renderAnalyst(app);
        return;
      }
    }
    run(app, () => api.cypher(local.cypher, params, local.token.trim()), 'Cypher');
  };
  return h(
    'section',
    { class: 'block cypher' },
    h('h3', {}, t('analyst.cypher')),
    app.state.capabilities && !app.state.capabilities.cypher
      ? h('div', { class: 'notice', role: 'note', testid: 'cypher-off' }, h('strong', {}, t('cypher.off')), ' ', t('cypher.off.how'))
      : null,
    h(
      'form',
      {
        class: 'cypher-form',
        onsubmit: (e) => {
          e.preventDefault();
          submit();
        },
      },
      h('label', { for: 'token-input' }, t('analyst.token')),
      h('input', {
        id: 'token-input',
        type: 'password',
        autocomplete: 'off',
        testid: 'token-input',
        value: local.token,
        'aria-describedby': 'token-hint',
        oninput: (e) => {
          local.token = e.target.value;
          sessionStorage.setItem('koppel.token', local.token);
        },
      }),
      h('p', { class: 'hint', id: 'token-hint' }, t('analyst.token.hint')),
      h('label', { for: 'cypher-input' }, t('analyst.cypher.label')),
      h('textarea', {
        id: 'cypher-input',
        rows: '5',
        spellcheck: 'false',
        testid: 'cypher-input',
        'aria-describedby': 'cypher-hint',
        oninput: (e) => (local.cypher = e.target.value),
        onkeydown: (e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            submit();
          }
        },
      }, local.cypher),
      h('p', { class: 'hint', id: 'cypher-hint' }, t('analyst.cypher.hint')),
      h('label', { for: 'cypher-params' }, t('analyst.cypher.params')),
      h('input', { id: 'cypher-params', type: 'text', spellcheck: 'false', value: local.cypherParams, oninput: (e) => (local.cypherParams = e.target.value) }),
      h('button', { type: 'submit', class: 'primary', testid: 'cypher-run', disabled: local.running || (app.state.capabilities && !app.state.capabilities.cypher) }, local.running ? t('analyst.running') : t('analyst.run')),
    ),
  );
}

function cell(app, v) {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => cell(app, x)).reduce((acc, x, i) => (i ? [...acc, ', ', x] : [x]), []);
  if (typeof v === 'object') {
    const key = v.key ?? v.id;
    const label = v._label ?? v.label;
    const name = v.name ?? v.name_en ?? key;
    if (v._type) return h('code', { class: 'rel', title: JSON.stringify(v) }, `[:${v._type}]`);
    if (key && label && /^[A-Z]/.test(label)) {
      return h('button', { type: 'button', class: 'linklike', onclick: () => app.openItem(label, key), title: `${label} ${key}` }, String(name));
    }
    return h('code', {}, JSON.stringify(v));
  }
  if (isLocator(v)) return h('code', { class: 'locator' }, v);
  return String(v);
}

function resultsSection(app) {
  const r = local.results;
  const err = local.error;
  const rows = r?.rows ?? [];
  const shown = rows.slice(0, MAX_ROWS);
  return h(
    'section',
    { class: 'block results' },
    h('h3', {}, t('analyst.results')),
    h(
      'div',
      { class: 'error-box', role: 'alert', testid: 'error-box', tabindex: '-1', hidden: !err },
      err ? [h('strong', { class: 'error-title' }, err.title ?? t('error.generic')), err.status ? h('span', { class: 'status' }, ` (${err.status})`) : null, err.detail ? h('p', { class: 'error-detail' }, err.detail) : null] : null,
    ),
    h(
      'p',
      { class: 'results-count', 'aria-live': 'polite', testid: 'results-count' },
      r ? [t('analyst.results.count', { n: rows.length }), rows.length > MAX_ROWS ? ` (${t('analyst.results.truncated', { n: MAX_ROWS })})` : '', ' · ', t('analyst.results.from', { source: r.source })] : t('analyst.results.none'),
    ),
    r
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'results-table', testid: 'results-table' },
            h('thead', {}, h('tr', {}, r.columns.map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', {}, shown.map((row) => h('tr', {}, r.columns.map((c) => h('td', {}, cell(app, Array.isArray(row) ? row[r.columns.indexOf(c)] : row[c])))))),
          ),
        )
      : null,
  );
}
