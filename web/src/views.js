// Saved views: the current view's URL fragment stored server-side under a
// name (POST /api/views), listed with links that reopen it.

import { api } from './api.js';
import { h, mount } from './dom.js';
import { t } from './i18n.js';

const local = { views: null, error: null, name: '', message: '' };

export function initViews(app) {
  load(app);
}

async function load(app) {
  try {
    local.views = (await api.views()).views ?? [];
    local.error = null;
  } catch (err) {
    local.views = [];
    local.error = err;
  }
  renderViews(app);
}

export function renderViews(app) {
  const root = document.getElementById('views');
  if (!root) return;
  if (root.contains(document.activeElement) && document.activeElement.tagName === 'INPUT') return; // do not remount under the typing hand
  const save = async (e) => {
    e.preventDefault();
    const name = local.name.trim();
    if (!name) return;
    try {
      await api.saveView(name, app.currentHash());
      local.message = t('views.saved', { name });
      local.name = '';
      await load(app);
    } catch (err) {
      app.showError(err);
    }
  };
  mount(
    root,
    h('h2', { class: 'small-heading' }, t('views.heading')),
    h(
      'form',
      { class: 'view-form', onsubmit: save },
      h('label', { for: 'view-name', class: 'sr-only' }, t('views.name')),
      h('input', { id: 'view-name', type: 'text', maxlength: '120', placeholder: t('views.name'), value: local.name, testid: 'view-name', oninput: (e) => (local.name = e.target.value) }),
      h('button', { type: 'submit', testid: 'view-save' }, t('views.save')),
    ),
    local.message ? h('p', { class: 'hint', role: 'status' }, local.message) : null,
    local.error ? h('p', { class: 'error-inline' }, local.error.title, local.error.detail ? `: ${local.error.detail}` : '') : null,
    local.views?.length
      ? h(
          'ul',
          { class: 'view-list' },
          local.views.map((v) =>
            h(
              'li',
              {},
              h('a', { href: v.hash, testid: 'saved-view', dataset: { id: v.id } }, v.name),
              h(
                'button',
                {
                  type: 'button',
                  class: 'icon',
                  'aria-label': t('views.delete', { name: v.name }),
                  onclick: async () => {
                    try {
                      await api.deleteView(v.id);
                    } catch (err) {
                      app.showError(err);
                    }
                    load(app);
                  },
                },
                '×',
              ),
            ),
          ),
        )
      : h('p', { class: 'hint' }, t('views.none')),
  );
}
