// Pure data mapping between the API's payloads and the canvas.
//
// Nothing here touches the DOM or Cytoscape, so every rule (merging without
// duplicates, the as-of filter, the style per label, path highlighting) is
// unit-tested in graph.test.js.

/** Node labels of the schema, in legend order. */
export const NODE_LABELS = [
  'Country',
  'CountryGroup',
  'Organisation',
  'Person',
  'Donor',
  'Forum',
  'Dossier',
  'Agreement',
  'Project',
  'Event',
  'Document',
  'Assessment',
  'Linkage',
];

/**
 * Shape and colour per node label: each label differs from every other in
 * both, so the legend reads without colour vision too.
 * `shape` is a Cytoscape.js node shape.
 */
export const NODE_STYLES = {
  Country: { shape: 'ellipse', color: '#1f5fa8', size: 34 },
  CountryGroup: { shape: 'octagon', color: '#5a4fcf', size: 32 },
  Organisation: { shape: 'round-rectangle', color: '#2e7d4f', size: 28 },
  Person: { shape: 'round-pentagon', color: '#8a6d1f', size: 24 },
  Donor: { shape: 'diamond', color: '#c28a00', size: 28 },
  Forum: { shape: 'hexagon', color: '#8b3fb5', size: 30 },
  Dossier: { shape: 'round-tag', color: '#d4621a', size: 30 },
  Agreement: { shape: 'cut-rectangle', color: '#a32d2d', size: 28 },
  Project: { shape: 'round-diamond', color: '#14807a', size: 28 },
  Event: { shape: 'triangle', color: '#5b6573', size: 24 },
  Document: { shape: 'rhomboid', color: '#3b4252', size: 24 },
  Assessment: { shape: 'barrel', color: '#c2367a', size: 26 },
  Linkage: { shape: 'star', color: '#d12f2f', size: 32 },
};

const FALLBACK_STYLE = { shape: 'ellipse', color: '#888888', size: 24 };

/** The style of a label; unknown labels get a neutral grey circle. */
export function styleFor(label) {
  return NODE_STYLES[label] ?? FALLBACK_STYLE;
}

/** Relationship types drawn differently from the plain grey edge. */
export const EDGE_STYLES = {
  LINKS: { color: '#d12f2f', width: 3, lineStyle: 'solid' },
  WANTS: { color: '#d4621a', width: 2, lineStyle: 'dashed' },
  CONTROLS: { color: '#1f5fa8', width: 2, lineStyle: 'solid' },
  SHARES_PROBLEM_WITH: { color: '#5a4fcf', width: 2, lineStyle: 'dotted' },
  FUNDS: { color: '#c28a00', width: 2, lineStyle: 'solid' },
};

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
  const from = dateField(data, 'valid_from') ?? dateField(data, 'date') ?? dateField(data, 'as_of');
  const to = dateField(data, 'valid_to');
  if (from && from > asOf) return false;
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

/** Elements with `display` (the canvas label) set for a language. */
export function withDisplay(elements, lang) {
  const { nodes, edges } = normalizeElements(elements);
  return {
    nodes: nodes.map((n) => ({ data: { ...n.data, display: displayName(n.data, lang) } })),
    edges,
  };
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
        'text-wrap': 'ellipsis',
        'text-max-width': '110px',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.75,
        'text-background-padding': '1px',
        'min-zoomed-font-size': 7,
        'border-width': 1.5,
        'border-color': '#ffffff',
      },
    },
  ];
  for (const label of NODE_LABELS) {
    const s = styleFor(label);
    sheet.push({
      selector: `node[type = "${label}"]`,
      style: { shape: s.shape, 'background-color': s.color, width: s.size, height: s.size },
    });
  }
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
  for (const [type, s] of Object.entries(EDGE_STYLES)) {
    sheet.push({
      selector: `edge[type = "${type}"]`,
      style: { 'line-color': s.color, 'target-arrow-color': s.color, width: s.width, 'line-style': s.lineStyle },
    });
  }
  sheet.push(
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
        label: 'data(type)',
        'min-zoomed-font-size': 0,
        'z-index': 10,
      },
    },
    { selector: 'edge:selected', style: { label: 'data(type)', 'min-zoomed-font-size': 0 } },
  );
  return sheet;
}

/** Legend rows: label, shape, colour and how many are on the canvas. */
export function legendItems(counts = {}) {
  return NODE_LABELS.map((label) => ({ label, ...styleFor(label), count: counts[label] ?? 0 }));
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
