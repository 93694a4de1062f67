// The search box: type, arrow keys and Enter (or Tab to a result and Enter)
// to open. A combobox with a listbox of buttons.

import { api } from './api.js';
import { h, mount, svg } from './dom.js';
import { displayName, legendShapeSvg, styleFor } from './graph.js';
import { getLang, t, tv } from './i18n.js';

export function initSearch(app) {
  const input = document.getElementById('search-input');
  const list = document.getElementById('search-results');
  const status = document.getElementById('search-status');
  let results = [];
  let active = -1;
  let timer = null;
  let controller = null;
  let lastQuery = '';

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };

  const open = (r) => {
    close();
    input.value = '';
    results = [];
    app.openItem(r.label, r.key);
  };

  const setActive = (i) => {
    active = i;
    [...list.querySelectorAll('[role="option"]')].forEach((el, j) => el.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', `search-opt-${i}`);
      list.querySelector(`#search-opt-${i}`)?.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };

  const renderResults = (q) => {
    if (!q) {
      close();
      return;
    }
    const lang = getLang();
    mount(
      list,
      results.length
        ? results.map((r, i) => {
            const s = styleFor(r.label);
            const other = lang === 'en' ? r.name : r.name_en;
            const main = displayName(r, lang);
            return h(
              'li',
              { role: 'presentation' },
              h(
                'button',
                {
                  type: 'button',
                  id: `search-opt-${i}`,
                  role: 'option',
                  'aria-selected': 'false',
                  class: 'search-result',
                  testid: 'search-result',
                  dataset: { key: r.key, label: r.label },
                  onclick: () => open(r),
                  onkeydown: (e) => {
                    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                      e.preventDefault();
                      const next = list.querySelectorAll('button')[Math.max(0, Math.min(results.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
                      next?.focus();
                    } else if (e.key === 'Escape') {
                      close();
                      input.focus();
                    }
                  },
                },
                svg(legendShapeSvg(s.shape), { class: 'swatch', fill: s.color }),
                h('span', { class: 'result-name' }, main),
                other && other !== main ? h('span', { class: 'result-alt' }, other) : null,
                h('span', { class: 'result-label' }, tv('label', r.label)),
              ),
            );
          })
        : h('li', { class: 'search-none' }, t('search.none', { q })),
    );
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    status.textContent = results.length ? t('search.count', { n: results.length }) : t('search.none', { q });
    active = -1;
  };

  const run = async (q) => {
    controller?.abort();
    controller = new AbortController();
    try {
      const res = await api.search(q, controller.signal);
      if (q !== input.value.trim()) return;
      results = res.results ?? [];
      lastQuery = q;
      renderResults(q);
    } catch (err) {
      if (err?.name !== 'AbortError') app.showError(err);
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) {
      results = [];
      close();
      return;
    }
    timer = setTimeout(() => run(q), 180);
  });

  input.addEventListener('keydown', async (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (list.hidden && results.length) renderResults(lastQuery);
      if (!results.length) return;
      e.preventDefault();
      const delta = e.key === 'ArrowDown' ? 1 : -1;
      setActive((active + delta + results.length) % results.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const q = input.value.trim();
      if (!q) return;
      if (q !== lastQuery) {
        clearTimeout(timer);
        await run(q);
      }
      const r = results[active >= 0 ? active : 0];
      if (r) open(r);
    } else if (e.key === 'Escape') {
      close();
    }
  });

  document.addEventListener('click', (e) => {
    if (!e.target.closest('.search')) close();
  });
  input.addEventListener('focus', () => {
    if (results.length && input.value.trim()) renderResults(input.value.trim());
  });
}
