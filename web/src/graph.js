// Pure data mapping between the API's payloads and the canvas.
//
// Nothing here touches the DOM or Cytoscape, so every rule (merging without
// duplicates, the as-of filter, the style per label, path highlighting) is
// unit-tested in graph.test.js.

// -- the schema (GET /api/schema) ----------------------------------------------------------
//
// Labels, relationship types, their Dutch and English display names, colours
// and shapes come from the server's schema; nothing is restated here. Until
// setSchema() has run every label is a neutral grey circle named by its key.

const FALLBACK_STYLE = { shape: 'ellipse', color: '#888888', size: 24 };
const schema = { labels: [], rels: [], labelInfo: new Map(), relInfo: new Map() };

/**
 * Take in a SchemaAnswer: `{languages, labels: [{label, names: {nl, en},
 * style: {colour, shape, size}}], relationship_types: [{type, names,
 * style: {colour, width, line}}]}`.
 */
export function setSchema(answer) {
  schema.labels = (answer?.labels ?? []).map((l) => l.label);
  schema.rels = (answer?.relationship_types ?? []).map((r) => r.type);
  schema.labelInfo = new Map((answer?.labels ?? []).map((l) => [l.label, l]));
  schema.relInfo = new Map((answer?.relationship_types ?? []).map((r) => [r.type, r]));
}

/** Node labels of the schema, in schema (legend) order. */
export function nodeLabels() {
  return schema.labels;
}

/** The style of a label (`{shape, color, size}`); unknown labels get a neutral grey circle. */
export function styleFor(label) {
  const s = schema.labelInfo.get(label)?.style;
  if (!s) return FALLBACK_STYLE;
  return { shape: s.shape ?? FALLBACK_STYLE.shape, color: s.colour ?? s.color ?? FALLBACK_STYLE.color, size: s.size ?? FALLBACK_STYLE.size };
}

/** A label's display name in a language, e.g. Agreement -> "Overeenkomst". */
export function labelName(label, lang = 'nl') {
  const names = schema.labelInfo.get(label)?.names;
  return names?.[lang] ?? names?.en ?? humanize(label);
}

/** A relationship type's display name, e.g. SHARES_PROBLEM_WITH -> "deelt het probleem met". */
export function relName(type, lang = 'nl') {
  if (!type) return '';
  const names = schema.relInfo.get(type)?.names;
  return names?.[lang] ?? names?.en ?? humanize(type);
}

/** A chain of relationship types (`MEMBER_OF/PARTY_TO` or a list) in words. */
export function viaText(via, lang = 'nl') {
  const parts = (Array.isArray(via) ? via : via ? [via] : []).flatMap((v) => String(v).split('/'));
  return parts.map((p) => relName(p, lang)).join(' → ');
}

/** Edge style of a relationship type (`{color, width, lineStyle}`), or null for a plain grey edge. */
export function edgeStyle(type) {
  const s = schema.relInfo.get(type)?.style;
  if (!s || !Object.keys(s).length) return null;
  return { color: s.colour ?? s.color ?? '#a3acb9', width: s.width ?? 1.2, lineStyle: s.line ?? 'solid' };
}

function humanize(key) {
  return String(key ?? '').replace(/_/g, ' ').toLowerCase();
}

const LOCATOR_RE = /^(.+)#L(\d+)(?:-L(\d+))?$/;

/** Split a locator `doc#L70-L75` into its parts, or null if it is not one. */
export function parseLocator(locator) {
  const m = LOCATOR_RE.exec(String(locator ?? ''));
  if (!m) return null;
  const from = Number(m[2]);
  return { document: m[1], from, to: m[3] ? Number(m[3]) : from };
}

/** Is this string a source locator? */
export function isLocator(value) {
  return typeof value === 'string' && parseLocator(value) !== null;
}

/**
 * Normalise an ELEMENTS payload (or null, or a flat array of elements) into
 * `{nodes, edges}` arrays of `{data}` objects with `type` filled in.
 */
export function normalizeElements(payload) {
  const out = { nodes: [], edges: [] };
  if (!payload) return out;
  let nodes = [];
  let edges = [];
  if (Array.isArray(payload)) {
    for (const el of payload) {
      const d = el?.data ?? {};
      if (el?.group === 'edges' || (d.source !== undefined && d.target !== undefined)) edges.push(el);
      else nodes.push(el);
    }
  } else {
    nodes = payload.nodes ?? [];
    edges = payload.edges ?? [];
  }
  for (const n of nodes) {
    if (!n?.data?.id) continue;
    const data = { ...n.data };
    data.type = data.type ?? data.label;
    data.properties = data.properties ?? {};
    out.nodes.push({ data });
  }
  for (const e of edges) {
    if (!e?.data?.id || e.data.source === undefined || e.data.target === undefined) continue;
    const data = { ...e.data };
    data.type = data.type ?? data.label;
    data.properties = data.properties ?? {};
    out.edges.push({ data });
  }
  return out;
}

/**
 * Merge `incoming` elements into `current` ({nodes, edges}) without
 * duplicates. An element already present keeps its id and gains the newer
 * data (properties merged). Edges whose endpoints are in neither set are
 * dropped (Cytoscape refuses dangling edges).
 *
 * Returns `{nodes, edges, added: {nodes, edges}, dropped}` where `added`
 * holds the ids that were not in `current`.
 */
export function mergeElements(current, incoming) {
  const cur = normalizeElements(current);
  const inc = normalizeElements(incoming);
  const nodes = new Map(cur.nodes.map((n) => [n.data.id, n]));
  const edges = new Map(cur.edges.map((e) => [e.data.id, e]));
  const added = { nodes: [], edges: [] };
  const dropped = [];

  for (const n of inc.nodes) {
    const id = n.data.id;
    const old = nodes.get(id);
    if (old) {
      nodes.set(id, { data: mergeData(old.data, n.data) });
    } else {
      nodes.set(id, n);
      added.nodes.push(id);
    }
  }
  for (const e of inc.edges) {
    const id = e.data.id;
    if (!nodes.has(e.data.source) || !nodes.has(e.data.target)) {
      dropped.push(id);
      continue;
    }
    const old = edges.get(id);
    if (old) {
      edges.set(id, { data: mergeData(old.data, e.data) });
    } else {
      edges.set(id, e);
      added.edges.push(id);
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()], added, dropped };
}

function mergeData(a, b) {
  const sources = [...new Set([...(a.sources ?? []), ...(b.sources ?? [])])];
  return { ...a, ...b, properties: { ...(a.properties ?? {}), ...(b.properties ?? {}) }, sources };
}

/** The date fields of an element's data: from properties or the data itself. */
function dateField(data, name) {
  const v = data?.properties?.[name] ?? data?.[name];
  return typeof v === 'string' && v.length >= 4 ? v.slice(0, 10) : null;
}

/**
 * Does an element hold on `asOf` (ISO date string)? An element is hidden if
 * its `valid_from` (or, lacking that, its `date`, or an assessment's
 * `as_of`) is after the date, or its `valid_to` is before it. With no date
 * every element holds.
 */
export function isActiveAt(data, asOf) {
  if (!asOf) return true;
  const from = dateField(data, 'valid_from') ?? dateField(data, 'date') ?? dateField(data, 'as_of') ?? dateField(data, 'date_signed');
  const to = dateField(data, 'valid_to');
  if (from && from > asOf) return false;
  // The server's rule (koppel.graph.validity): a fact without a start of its own does not hold before it was first reported.
  const reported = from ? null : dateField(data, 'known_from') ?? dateField(data, 'first_reported');
  if (reported && reported > asOf) return false;
  if (to && to < asOf) return false;
  return true;
}

/**
 * The ids to hide under the current filters:
 * `asOf` (ISO date or ''), `hiddenTypes` (node labels), `hiddenRels`
 * (relationship types). An edge is hidden too when either endpoint is.
 */
export function computeHidden(elements, { asOf = '', hiddenTypes = new Set(), hiddenRels = new Set() } = {}) {
  const { nodes, edges } = normalizeElements(elements);
  const hidden = new Set();
  for (const n of nodes) {
    if (hiddenTypes.has(n.data.type) || !isActiveAt(n.data, asOf)) hidden.add(n.data.id);
  }
  for (const e of edges) {
    const d = e.data;
    if (hiddenRels.has(d.type) || !isActiveAt(d, asOf) || hidden.has(d.source) || hidden.has(d.target)) {
      hidden.add(d.id);
    }
  }
  return hidden;
}

/** Number of nodes not hidden. */
export function visibleNodeCount(elements, hidden) {
  return normalizeElements(elements).nodes.filter((n) => !hidden.has(n.data.id)).length;
}

/** Counts per node label and per relationship type present in `elements`. */
export function typeCounts(elements) {
  const { nodes, edges } = normalizeElements(elements);
  const labels = {};
  const rels = {};
  for (const n of nodes) labels[n.data.type] = (labels[n.data.type] ?? 0) + 1;
  for (const e of edges) rels[e.data.type] = (rels[e.data.type] ?? 0) + 1;
  return { labels, rels };
}

/**
 * The ids a reason's path highlights, and which of them the canvas still
 * lacks. `path` is `{nodes: [keys], edges: [ids]}`; `present` a Set (or
 * array) of ids on the canvas.
 */
export function pathHighlight(path, present = new Set()) {
  const have = present instanceof Set ? present : new Set(present);
  const nodes = [...new Set(path?.nodes ?? [])];
  const edges = [...new Set(path?.edges ?? [])];
  return {
    nodes,
    edges,
    ids: [...nodes, ...edges],
    missingNodes: nodes.filter((id) => !have.has(id)),
    missingEdges: edges.filter((id) => !have.has(id)),
  };
}

/**
 * Which node keys to fetch neighbourhoods of, so that a path's missing
 * nodes and edges reach the canvas: the missing nodes themselves, and for a
 * missing edge whose endpoints are both present, its start node (edge ids
 * are `SOURCE|TYPE|TARGET`).
 */
export function keysToFetchForPath(path, present = new Set()) {
  const hl = pathHighlight(path, present);
  const keys = new Set(hl.missingNodes);
  for (const id of hl.missingEdges) {
    const [src, , tgt] = String(id).split('|');
    if (keys.has(src) || keys.has(tgt)) continue;
    if (src && hl.nodes.includes(src)) keys.add(src);
    else if (tgt && hl.nodes.includes(tgt)) keys.add(tgt);
  }
  return [...keys];
}

/** Keep only the elements whose ids are in `ids` (a Set). */
export function pickElements(elements, ids) {
  const { nodes, edges } = normalizeElements(elements);
  return { nodes: nodes.filter((n) => ids.has(n.data.id)), edges: edges.filter((e) => ids.has(e.data.id)) };
}

/** The name to show for a node (or API item) in a language. */
export function displayName(item, lang = 'nl') {
  if (!item) return '';
  const p = item.properties ?? {};
  const nl = item.name_nl ?? p.name_nl ?? item.name ?? p.name;
  const en = item.name_en ?? p.name_en;
  const name = lang === 'en' ? en || nl : nl || en;
  return name || item.key || item.id || '';
}

/**
 * The name of a linkage answer's reference (`{key, name, name_nl?}`: `name` is
 * English, `name_nl` Dutch where koppel has it), or null when the reference has
 * no Dutch name (then the profile or the canvas may know one).
 */
export function refName(ref, lang = 'nl') {
  if (!ref?.name_nl || ref.name_en) return null;
  return lang === 'en' ? ref.name || ref.name_nl : ref.name_nl;
}

/** Elements with `display` (the canvas label) set for a language; edges get their type's name. */
export function withDisplay(elements, lang) {
  const { nodes, edges } = normalizeElements(elements);
  return {
    nodes: nodes.map((n) => ({ data: { ...n.data, full: displayName(n.data, lang), display: displayName(n.data, lang), dir: n.data.properties?.direction ?? n.data.direction ?? '' } })),
    edges: edges.map((e) => ({ data: { ...e.data, display: relName(e.data.type, lang) } })),
  };
}

/**
 * Shortened canvas labels that stay distinct: names longer than `max`
 * characters are cut at a word end with "…"; when two cut names would read
 * the same, each keeps more of its name until they differ (or is shown in
 * full). `names` maps id -> full name; returns id -> label.
 */
export function shortLabels(names, max = 28) {
  const entries = [...(names instanceof Map ? names : Object.entries(names))].map(([id, n]) => [id, String(n ?? '')]);
  const full = new Map(entries);
  const head = (name, n) => {
    if (name.length <= n) return name;
    const part = name.slice(0, n);
    const space = part.lastIndexOf(' ');
    return (space > n * 0.6 ? part.slice(0, space) : part).trimEnd();
  };
  const tail = (name, n) => {
    // Whole words from the end, at least one, about n characters.
    const words = name.split(' ');
    let out = words.pop();
    while (words.length && out.length + words[words.length - 1].length + 1 <= n) out = `${words.pop()} ${out}`;
    return out;
  };
  // Round 0: the head of each name. Later rounds, for names whose labels clash:
  // a shorter head, "…", and a growing tail (names often differ at the end).
  const tailLen = new Map(entries.map(([id]) => [id, 0]));
  const out = new Map();
  for (let round = 0; round < 12; round++) {
    const byLabel = new Map();
    for (const [id, name] of entries) {
      const tl = tailLen.get(id);
      let label;
      if (name.length <= max + tl) label = tl ? name : head(name, max) === name ? name : `${head(name, max)}…`;
      else label = tl ? `${head(name, Math.max(8, max - Math.min(tl, max / 2)))}…${tail(name, tl)}` : `${head(name, max)}…`;
      out.set(id, label);
      if (!byLabel.has(label)) byLabel.set(label, []);
      byLabel.get(label).push(id);
    }
    let clash = false;
    for (const ids of byLabel.values()) {
      if (ids.length < 2 || new Set(ids.map((id) => full.get(id))).size < 2) continue;
      clash = true;
      for (const id of ids) tailLen.set(id, tailLen.get(id) + 12);
    }
    if (!clash) break;
  }
  return out;
}

/**
 * An expansion of `around` that would add more than `threshold` new nodes
 * is grouped: per label with more than `minGroup` new nodes, one group node
 * (`type: 'Group'`, id `group:<around>:<label>`) stands for them, joined to
 * `around` by one edge; the members (with the edges among them and to nodes
 * already present) stay in the group's data to be drawn on request.
 * Returns `{elements, groups}` with the elements to add now.
 */
export function groupExpansion(incoming, present, around, { threshold = 25, minGroup = 5 } = {}) {
  const have = present instanceof Set ? present : new Set(present);
  const { nodes, edges } = normalizeElements(incoming);
  const fresh = nodes.filter((n) => !have.has(n.data.id));
  if (fresh.length <= threshold) return { elements: { nodes, edges }, groups: [] };
  const byType = new Map();
  for (const n of fresh) {
    if (!byType.has(n.data.type)) byType.set(n.data.type, []);
    byType.get(n.data.type).push(n);
  }
  const grouped = new Set();
  const groups = [];
  for (const [type, members] of byType) {
    if (members.length <= minGroup) continue;
    for (const m of members) grouped.add(m.data.id);
    groups.push({ id: `group:${around}:${type}`, type, around, members: members.map((m) => m.data.id) });
  }
  const keepNodes = nodes.filter((n) => !grouped.has(n.data.id));
  const keepEdges = edges.filter((e) => !grouped.has(e.data.source) && !grouped.has(e.data.target));
  const groupNodes = groups.map((g) => ({ data: { id: g.id, type: 'Group', groupType: g.type, count: g.members.length, around, properties: {}, members: g.members } }));
  const groupEdges = groups.map((g) => ({ data: { id: `${around}|GROUP|${g.id}`, source: around, target: g.id, type: 'GROUP', properties: {} } }));
  const memberData = {
    nodes: nodes.filter((n) => grouped.has(n.data.id)),
    edges: edges.filter((e) => grouped.has(e.data.source) || grouped.has(e.data.target)),
  };
  return { elements: { nodes: [...keepNodes, ...groupNodes], edges: [...keepEdges, ...groupEdges] }, groups, members: memberData };
}

/**
 * The explorer's view state as a URL fragment and back:
 * `#/country/IRQ?as_of=2013-01-01&known_by=2013-06-01&hide=Event&hiderel=FUNDS&expand=a,b`,
 * `#/compare/IRQ,AFG?as_of=...`, `#/node/Label/key`, `#/`.
 */
export function viewToHash(view) {
  const params = new URLSearchParams();
  if (view.asOf) params.set('as_of', view.asOf);
  if (view.knownBy) params.set('known_by', view.knownBy);
  if (view.hiddenTypes?.length) params.set('hide', [...view.hiddenTypes].sort().join(','));
  if (view.hiddenRels?.length) params.set('hiderel', [...view.hiddenRels].sort().join(','));
  if (view.expanded?.length) params.set('expand', view.expanded.join(','));
  const q = params.toString().replace(/%2C/g, ',');
  let path = '#/';
  if (view.kind === 'country') path = `#/country/${encodeURIComponent(view.key)}`;
  else if (view.kind === 'compare') path = `#/compare/${view.keys.map(encodeURIComponent).join(',')}`;
  else if (view.kind === 'node') path = `#/node/${encodeURIComponent(view.label)}/${encodeURIComponent(view.key)}`;
  return q ? `${path}?${q}` : path;
}

const list = (v) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : []);

/** Parse a fragment written by viewToHash (unknown parts are ignored; dates must be YYYY-MM-DD). */
export function hashToView(hash) {
  const raw = String(hash ?? '').replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  const params = new URLSearchParams(query);
  const asOf = /^\d{4}-\d{2}-\d{2}$/.test(params.get('as_of') ?? '') ? params.get('as_of') : '';
  const knownBy = /^\d{4}-\d{2}-\d{2}$/.test(params.get('known_by') ?? '') ? params.get('known_by') : '';
  const common = { asOf, ...(knownBy ? { knownBy } : {}), hiddenTypes: list(params.get('hide')), hiddenRels: list(params.get('hiderel')), expanded: list(params.get('expand')) };
  if (parts[0] === 'country' && parts[1]) return { kind: 'country', key: parts[1], ...common };
  if (parts[0] === 'compare' && parts[1]) return { kind: 'compare', keys: list(parts[1]).slice(0, 3), ...common };
  if (parts[0] === 'node' && parts[1] && parts[2]) return { kind: 'node', label: parts[1], key: parts.slice(2).join('/'), ...common };
  return { kind: 'home', ...common };
}

/**
 * The fragment of the same view read at another known-by date (what the sources said by then):
 * route, as-of and filters kept; `knownBy` '' (or not YYYY-MM-DD) reads everything known now.
 */
export function withKnownBy(hash, knownBy) {
  const view = hashToView(hash);
  delete view.knownBy;
  return viewToHash(/^\d{4}-\d{2}-\d{2}$/.test(knownBy ?? '') ? { ...view, knownBy } : view);
}

/** A bounded undo/redo history of snapshots (any values). */
export class History {
  constructor(limit = 40) {
    this.limit = limit;
    this.past = [];
    this.future = [];
  }
  /** Record the state before a change. */
  push(snapshot) {
    this.past.push(snapshot);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }
  /** The state to go back to (given the current one), or null. */
  undo(current) {
    if (!this.past.length) return null;
    this.future.push(current);
    return this.past.pop();
  }
  redo(current) {
    if (!this.future.length) return null;
    this.past.push(current);
    return this.future.pop();
  }
  get canUndo() {
    return this.past.length > 0;
  }
  get canRedo() {
    return this.future.length > 0;
  }
}

/**
 * The dated points of a country profile for its timeline, oldest first:
 * `[{date, kind: 'event'|'assessment'|'agreement'|'linkage', item}]`, and the
 * undated ones apart. Dates are the first 10 characters (YYYY-MM-DD).
 */
export function timelinePoints(profile) {
  const dated = [];
  const undated = [];
  const add = (kind, item, date) => (date ? dated.push({ date: String(date).slice(0, 10), kind, item }) : undated.push({ kind, item }));
  for (const e of profile?.events ?? []) add('event', e, e.date ?? e.valid_from);
  for (const a of profile?.return_cooperation ?? []) add('assessment', a, a.as_of);
  for (const a of profile?.agreements ?? []) add('agreement', a, a.date_signed ?? a.date ?? a.valid_from);
  for (const l of profile?.linkages ?? []) add('linkage', l, l.date ?? l.valid_from);
  dated.sort((x, y) => x.date.localeCompare(y.date));
  return { dated, undated };
}

/** The Cytoscape.js stylesheet: one block per node label, highlight classes. */
export function cyStylesheet() {
  const sheet = [
    {
      selector: 'node',
      style: {
        label: 'data(display)',
        'font-size': 10,
        'font-family': 'system-ui, sans-serif',
        color: '#1c2430',
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-wrap': 'wrap',
        'text-max-width': '130px',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.75,
        'text-background-padding': '1px',
        'min-zoomed-font-size': 7,
        'border-width': 1.5,
        'border-color': '#ffffff',
      },
    },
  ];
  for (const label of nodeLabels()) {
    const st = styleFor(label);
    sheet.push({
      selector: `node[type = "${label}"]`,
      style: { shape: st.shape, 'background-color': st.color, width: st.size, height: st.size },
    });
  }
  sheet.push(
    // An offer (positive linkage) and a cut (negative) differ in more than colour: a cut is a dark, dashed-border X.
    { selector: 'node[type = "Linkage"][dir = "negative"]', style: { shape: 'vee', 'background-color': '#7a1010', 'border-style': 'dashed', 'border-color': '#000000', 'border-width': 2 } },
    { selector: 'node[type = "Linkage"][dir = "positive"]', style: { 'background-color': '#1e8a4c' } },
    {
      selector: 'node[type = "Group"]',
      style: { shape: 'round-rectangle', 'background-color': '#eef1f5', 'border-color': '#5b6573', 'border-width': 2, 'border-style': 'dashed', width: 46, height: 30, label: 'data(display)', 'text-valign': 'center', 'text-margin-y': 0, 'font-weight': 'bold' },
    },
    { selector: 'node.pinned', style: { 'outline-width': 3, 'outline-color': '#123a66', 'outline-offset': 2 } },
    { selector: 'node.kbd', style: { 'overlay-color': '#1f5fa8', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
  );
  sheet.push(
    {
      selector: 'edge',
      style: {
        width: 1.2,
        'line-color': '#a3acb9',
        'target-arrow-color': '#a3acb9',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.7,
        'curve-style': 'bezier',
        'font-size': 8,
        'text-rotation': 'autorotate',
        'min-zoomed-font-size': 9,
        color: '#4a5361',
      },
    },
  );
  for (const type of schema.rels) {
    const st = edgeStyle(type);
    if (!st) continue;
    sheet.push({
      selector: `edge[type = "${type}"]`,
      style: { 'line-color': st.color, 'target-arrow-color': st.color, width: st.width, 'line-style': st.lineStyle },
    });
  }
  sheet.push(
    { selector: 'edge[type = "GROUP"]', style: { 'line-style': 'dashed', 'line-color': '#5b6573', 'target-arrow-shape': 'none' } },
    { selector: '.hidden', style: { display: 'none' } },
    { selector: '.faded', style: { opacity: 0.18 } },
    { selector: 'node.focus', style: { 'border-width': 4, 'border-color': '#111111' } },
    { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#f2b705' } },
    {
      selector: 'node.highlight',
      style: { 'border-width': 5, 'border-color': '#f2b705', 'z-index': 10, 'font-weight': 'bold', 'font-size': 12 },
    },
    {
      selector: 'edge.highlight',
      style: {
        width: 5,
        'line-color': '#f2b705',
        'target-arrow-color': '#f2b705',
        label: 'data(display)',
        'min-zoomed-font-size': 0,
        'z-index': 10,
      },
    },
    { selector: 'edge:selected', style: { label: 'data(display)', 'min-zoomed-font-size': 0 } },
  );
  return sheet;
}

/** Legend rows: label, shape, colour and how many are on the canvas. */
export function legendItems(counts = {}) {
  return nodeLabels().map((label) => ({ label, ...styleFor(label), count: counts[label] ?? 0 }));
}

/**
 * SVG polygon points (in a 0..16 box) approximating each Cytoscape shape,
 * for the legend swatches. Ellipses and rounded shapes use `circle`/`rect`.
 */
export function legendShapeSvg(shape) {
  const poly = {
    octagon: '5,1 11,1 15,5 15,11 11,15 5,15 1,11 1,5',
    diamond: '8,1 15,8 8,15 1,8',
    'round-diamond': '8,1 15,8 8,15 1,8',
    hexagon: '4,2 12,2 15,8 12,14 4,14 1,8',
    'round-pentagon': '8,1 15,6 12,15 4,15 1,6',
    'round-tag': '1,3 11,3 15,8 11,13 1,13',
    'cut-rectangle': '4,2 12,2 15,5 15,11 12,14 4,14 1,11 1,5',
    triangle: '8,1 15,15 1,15',
    rhomboid: '5,3 15,3 11,13 1,13',
    star: '8,1 10,6 15,6 11,9.5 13,15 8,11.5 3,15 5,9.5 1,6 6,6',
  }[shape];
  if (poly) return `<polygon points="${poly}"${shape.startsWith('round') ? ' stroke-linejoin="round" stroke-width="1.5"' : ''}/>`;
  if (shape === 'round-rectangle') return '<rect x="1" y="3" width="14" height="10" rx="3"/>';
  if (shape === 'barrel') return '<path d="M3,2 Q1,8 3,14 L13,14 Q15,8 13,2 Z"/>';
  return '<circle cx="8" cy="8" r="7"/>';
}
