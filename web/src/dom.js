// A tiny element builder: text always goes in as text, never as HTML, so
// names and passages from the graph cannot inject markup.

/**
 * h('button', {class: 'x', onclick: fn, dataset: {testid: 'y'}}, 'text', child)
 * Attributes: `class`, `dataset`, `on<event>` handlers, booleans (true sets
 * the attribute, false/null/undefined omits it), anything else as attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'testid') el.dataset.testid = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = Boolean(v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replace an element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Build an SVG element from trusted markup (our own legend shapes). */
export function svg(markup, attrs = {}) {
  const tpl = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  tpl.setAttribute('viewBox', '0 0 16 16');
  tpl.setAttribute('aria-hidden', 'true');
  for (const [k, v] of Object.entries(attrs)) tpl.setAttribute(k, v);
  tpl.innerHTML = markup;
  return tpl;
}
