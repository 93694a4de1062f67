// The graph canvas: Cytoscape.js with the fCoSE layout. Holds no rules of
// its own; merging, filtering and highlighting come from graph.js.
//
// fCoSE (with cose-base and layout-base, about a third of the explorer's
// JavaScript) is not needed for a country page's first view (a ring, drawn
// by Cytoscape's own concentric layout), so it is a separate chunk loaded on
// first use or when the browser is idle (loadFcose).

import cytoscape from 'cytoscape';
import {
  computeHidden,
  cyStylesheet,
  mergeElements,
  normalizeElements,
  pathHighlight,
  typeCounts,
  withDisplay,
  displayName,
  shortLabels,
} from './graph.js';

let fcoseLoaded = null;
let fcoseReady = false;

/** Load and register the fCoSE layout once; resolves when `layout({name: 'fcose'})` can run. */
export function loadFcose() {
  fcoseLoaded ??= import('cytoscape-fcose').then((m) => cytoscape.use(m.default));
  return fcoseLoaded;
}

const MAX_ZOOM = 4;
/** Fitting a few nodes never zooms in further than this. */
const FIT_MAX_ZOOM = 1.4;

export class Canvas {
  /**
   * @param {HTMLElement} container
   * @param {{onSelect?: Function, onExpand?: Function, onChange?: Function}} handlers
   */
  constructor(container, handlers = {}) {
    this.handlers = handlers;
    this.lang = 'nl';
    this.filters = { asOf: '', hiddenTypes: new Set(), hiddenRels: new Set() };
    this.cy = cytoscape({
      container,
      style: cyStylesheet(),
      wheelSensitivity: 0.3,
      minZoom: 0.1,
      maxZoom: MAX_ZOOM,
      boxSelectionEnabled: false,
    });
    this.cy.on('tap', 'node', (evt) => this.handlers.onSelect?.(evt.target.data()));
    this.cy.on('dbltap', 'node', (evt) => this.handlers.onExpand?.(evt.target.data()));
    this.cy.on('tap', (evt) => {
      if (evt.target === this.cy) this.handlers.onSelect?.(null);
    });
    this.groups = new Map(); // group node id -> {nodes, edges} it stands for
    container.tabIndex = 0;
    container.setAttribute('role', 'application');
    container.addEventListener('keydown', (e) => this.onKey(e));
    this.cy.on('mouseover', 'node', (evt) => (container.title = evt.target.data('full') ?? ''));
    this.cy.on('mouseout', 'node', () => (container.title = ''));
    if (typeof ResizeObserver !== 'undefined') {
      let timer = null;
      new ResizeObserver(() => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          this.cy.resize();
          if (this.cy.nodes().length && !this.layouting) this.fit();
        }, 120);
      }).observe(container);
    }
    this.layouting = false;
    this.cy.on('layoutstart', () => (this.layouting = true));
    this.cy.on('layoutstop', () => {
      this.layouting = false;
      this.cy.maxZoom(MAX_ZOOM);
    });
  }

  /** True while a layout or an animation runs (the end-to-end tests wait on it). */
  busy() {
    return this.layouting || this.cy.animated() || this.cy.nodes().some((n) => n.animated());
  }

  /** Current elements as plain `{nodes, edges}` data (no positions). */
  elements() {
    return {
      nodes: this.cy.nodes().map((n) => ({ data: n.data() })),
      edges: this.cy.edges().map((e) => ({ data: e.data() })),
    };
  }

  ids() {
    return new Set(this.cy.elements().map((e) => e.id()));
  }

  /** Replace everything on the canvas. */
  set(payload, { focus } = {}) {
    this.cy.elements().remove();
    return this.merge(payload, { focus, fresh: true });
  }

  /**
   * Merge elements in without duplicates; new nodes start at `around` (a
   * node id) and the layout runs again. Returns the ids added.
   */
  merge(payload, { focus, around, fresh = false, layout = true } = {}) {
    const merged = mergeElements(this.elements(), payload);
    const incoming = withDisplay(normalizeElements(payload), this.lang);
    const byId = new Map([...incoming.nodes, ...incoming.edges].map((e) => [e.data.id, e.data]));
    const origin = around ? this.cy.getElementById(around) : null;
    const start = origin && origin.nonempty() ? origin.position() : null;
    const newNodes = [];
    const newEdges = [];
    const mergedById = new Map([...merged.nodes, ...merged.edges].map((x) => [x.data.id, x.data]));
    this.cy.batch(() => {
      // Update data of elements already present.
      for (const id of byId.keys()) {
        const el = this.cy.getElementById(id);
        const data = mergedById.get(id);
        const inc = byId.get(id);
        if (el.nonempty() && data) el.data(el.isNode() ? { ...data, full: inc.full, dir: inc.dir } : { ...data, display: inc.display });
      }
      for (const id of merged.added.nodes) {
        const data = byId.get(id);
        const pos = start
          ? { x: start.x + (Math.random() - 0.5) * 60, y: start.y + (Math.random() - 0.5) * 60 }
          : undefined;
        newNodes.push({ group: 'nodes', data, position: pos });
      }
      for (const id of merged.added.edges) newEdges.push({ group: 'edges', data: byId.get(id) });
      this.cy.add([...newNodes, ...newEdges]);
    });
    this.relabel();
    this.applyFilters();
    if (focus) this.focus(focus);
    if (layout && (newNodes.length || fresh)) this.layout({ randomize: fresh || !start, centre: fresh ? focus : null });
    this.changed();
    return merged.added;
  }

  clear() {
    this.cy.elements().remove();
    this.groups.clear();
    this.changed();
  }

  setLang(lang) {
    this.lang = lang;
    const again = withDisplay(this.elements(), lang);
    this.cy.batch(() => {
      for (const n of again.nodes) this.cy.getElementById(n.data.id).data({ full: n.data.full });
      for (const e of again.edges) this.cy.getElementById(e.data.id).data({ display: e.data.display });
    });
    this.relabel();
  }

  /** Canvas labels: full names shortened so that no two read the same; groups say what they hold. */
  relabel() {
    const names = new Map();
    this.cy.nodes().forEach((n) => {
      if (n.data('type') !== 'Group') names.set(n.id(), n.data('full') ?? displayName(n.data(), this.lang));
    });
    const short = shortLabels(names, 28);
    this.cy.batch(() => {
      this.cy.nodes().forEach((n) => {
        if (n.data('type') === 'Group') n.data('display', this.groupLabel ? this.groupLabel(n.data()) : `${n.data('count')} × ${n.data('groupType')}`);
        else n.data('display', short.get(n.id()));
      });
    });
  }

  /** Everything on the canvas with positions, classes and groups: a value to return to (undo). */
  snapshot() {
    return { elements: this.cy.elements().jsons(), groups: new Map(this.groups) };
  }

  restore(snap) {
    this.cy.stop();
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(snap.elements);
    });
    this.groups = new Map(snap.groups);
    this.cy.nodes('.pinned').lock();
    this.applyFilters();
    this.changed();
  }

  /** Remember what each group node stands for: `members` is `{nodes, edges}`. */
  addGroups(groups, members) {
    for (const g of groups) {
      const ids = new Set(g.members);
      this.groups.set(g.id, {
        nodes: members.nodes.filter((n) => ids.has(n.data.id)),
        edges: members.edges.filter((e) => ids.has(e.data.source) || ids.has(e.data.target)),
      });
    }
  }

  /** Replace a group node by the nodes it stands for. */
  openGroup(id) {
    const g = this.groups.get(id);
    const node = this.cy.getElementById(id);
    if (!g || node.empty()) return null;
    const around = node.data('around');
    node.remove();
    this.groups.delete(id);
    return this.merge(g, { around });
  }

  /** Remove nodes (and their edges). */
  remove(ids) {
    this.cy.batch(() => ids.forEach((id) => this.cy.getElementById(id).remove()));
    this.changed();
  }

  /**
   * Collapse a node: remove its neighbours that hang only on it (no other
   * edge, not pinned, not the focus). Returns the ids removed.
   */
  collapse(id) {
    const node = this.cy.getElementById(id);
    if (node.empty()) return [];
    const gone = node
      .neighborhood('node')
      .filter((n) => n.degree(false) <= 1 && !n.hasClass('pinned') && !n.hasClass('focus'))
      .map((n) => n.id());
    this.remove(gone);
    return gone;
  }

  /** Pin (lock in place, marked) or unpin a node. Returns whether it is pinned now. */
  togglePin(id) {
    const n = this.cy.getElementById(id);
    if (n.empty()) return false;
    if (n.hasClass('pinned')) n.removeClass('pinned').unlock();
    else n.addClass('pinned').lock();
    return n.hasClass('pinned');
  }

  /** Keyboard: arrows move to the nearest visible node that way; Enter, +, Delete act on it. */
  onKey(e) {
    const visible = this.cy.nodes().not('.hidden');
    if (!visible.length) return;
    const current = this.cy.nodes('.kbd').first();
    const dirs = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    if (dirs[e.key]) {
      e.preventDefault();
      let next;
      if (current.empty()) {
        const focus = this.cy.nodes('.focus').not('.hidden');
        next = focus.nonempty() ? focus.first() : visible.first();
      } else {
        const [dx, dy] = dirs[e.key];
        const p = current.position();
        let best = null;
        let bestScore = Infinity;
        visible.forEach((n) => {
          if (n.same(current)) return;
          const q = n.position();
          const ax = q.x - p.x;
          const ay = q.y - p.y;
          const along = ax * dx + ay * dy;
          if (along <= 0) return;
          const score = along + 2 * Math.abs(ax * dy - ay * dx);
          if (score < bestScore) {
            bestScore = score;
            best = n;
          }
        });
        next = best ?? current;
      }
      this.kbdFocus(next.id());
    } else if (current.nonempty() && e.key === 'Enter') {
      e.preventDefault();
      this.cy.nodes().unselect();
      current.select();
      this.handlers.onSelect?.(current.data(), { keyboard: true });
    } else if (current.nonempty() && (e.key === '+' || e.key === 'e')) {
      e.preventDefault();
      this.handlers.onExpand?.(current.data());
    } else if (current.nonempty() && e.key === 'Delete') {
      e.preventDefault();
      this.handlers.onHide?.(current.data());
    }
  }

  /** Mark a node as the keyboard's current node and announce it. */
  kbdFocus(id) {
    const n = this.cy.getElementById(id);
    this.cy.nodes().removeClass('kbd');
    if (n.empty()) return;
    n.addClass('kbd');
    const ext = this.cy.extent();
    const p = n.position();
    if (!(p.x > ext.x1 && p.x < ext.x2 && p.y > ext.y1 && p.y < ext.y2)) this.cy.animate({ center: { eles: n }, duration: 150 });
    this.handlers.onKbdFocus?.(n.data());
  }

  /** Apply as-of and type filters (hide, not remove). */
  setFilters(filters) {
    this.filters = { ...this.filters, ...filters };
    this.applyFilters();
    this.changed();
  }

  applyFilters() {
    const hidden = computeHidden(this.elements(), this.filters);
    this.cy.batch(() => {
      this.cy.elements().forEach((el) => {
        if (hidden.has(el.id())) el.addClass('hidden');
        else el.removeClass('hidden');
      });
    });
    return hidden;
  }

  visibleCount() {
    return this.cy.nodes().filter((n) => !n.hasClass('hidden')).length;
  }

  counts() {
    return typeCounts(this.elements());
  }

  layout({ randomize = false, centre = null } = {}) {
    const n = this.cy.nodes().length;
    if (!n) return;
    const visible = this.cy.elements().not('.hidden');
    this.cy.stop();
    const token = (this.layoutToken = (this.layoutToken ?? 0) + 1);
    const hub = centre ? this.cy.getElementById(centre) : null;
    if (hub && hub.nonempty() && isStar(visible.nodes(), hub)) {
      // A fresh view of one node and its neighbours (a country page): rings
      // around it, one ring per kind of neighbour. Drawn at once, without the
      // force layout's iterations; "Re-layout" still runs the force layout.
      // Neighbours of one kind side by side, so the ring reads by kind.
      // Plain code-unit order: localeCompare builds a collator per call, which costs more than the ring.
      const cmp = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
      const byKind = (a, b) => cmp(String(a.data('type') ?? ''), String(b.data('type') ?? '')) || cmp(String(a.id()), String(b.id()));
      const ring = visible.nodes().not(hub).sort(byKind);
      this.cy.maxZoom(FIT_MAX_ZOOM);
      hub.union(ring).union(visible.edges()).layout({
        name: 'concentric', fit: true, padding: 40, animate: false, avoidOverlap: true, minNodeSpacing: 10,
        nodeDimensionsIncludeLabels: false, startAngle: (3 / 2) * Math.PI, sweep: 2 * Math.PI,
        concentric: (x) => (x.same(hub) ? 2 : 1), levelWidth: () => 1,
      }).run();
      return;
    }
    const opts = {
      name: 'fcose',
      quality: n > 300 ? 'draft' : 'default',
      randomize,
      animate: n < 250,
      animationDuration: 400,
      fit: true,
      padding: 30,
      nodeDimensionsIncludeLabels: true,
      nodeSeparation: 80,
      idealEdgeLength: () => (n > 150 ? 70 : 95),
      nodeRepulsion: () => 7000,
      edgeElasticity: () => 0.45,
      gravity: 0.3,
      numIter: 2500,
      packComponents: true,
    };
    const run = () => {
      if (token !== this.layoutToken || !this.cy.nodes().length) {
        this.layouting = false;
        return;
      }
      this.cy.maxZoom(FIT_MAX_ZOOM); // restored on layoutstop
      const again = this.cy.elements().not('.hidden');
      (again.nonempty() ? again : this.cy.elements()).layout(opts).run();
    };
    if (fcoseReady) {
      run();
      return;
    }
    // busy() is true while the layout's chunk loads; a newer layout() call supersedes this one.
    this.layouting = true;
    loadFcose().then(
      () => {
        fcoseReady = true;
        run();
      },
      () => {
        // The chunk did not load (server gone): the nodes keep their places; a later layout() asks again.
        fcoseLoaded = null;
        if (token === this.layoutToken) this.layouting = false;
      },
    );
  }

  fit() {
    const visible = this.cy.elements().not('.hidden');
    this.fitTo(visible.nonempty() ? visible : this.cy.elements(), 30);
  }

  /** Animate to fit `eles`, zooming in no further than FIT_MAX_ZOOM. */
  fitTo(eles, padding) {
    this.cy.stop();
    this.cy.maxZoom(FIT_MAX_ZOOM);
    this.cy.animate({ fit: { eles, padding }, duration: 300, complete: () => this.cy.maxZoom(MAX_ZOOM) });
  }

  focus(id) {
    const el = this.cy.getElementById(id);
    this.cy.nodes().removeClass('focus');
    if (el.nonempty()) {
      el.addClass('focus');
      this.cy.nodes().unselect();
      el.select();
    }
  }

  center(id) {
    const el = this.cy.getElementById(id);
    if (el.nonempty()) this.cy.animate({ center: { eles: el }, duration: 250 });
  }

  /** Highlight a reason's path (node keys and edge ids), fading the rest. */
  highlight(path) {
    const hl = pathHighlight(path, this.ids());
    this.cy.batch(() => {
      this.cy.elements().removeClass('highlight').addClass('faded');
      for (const id of hl.ids) this.cy.getElementById(id).removeClass('faded').addClass('highlight');
    });
    const eles = this.cy.elements('.highlight');
    if (eles.nonempty() && !this.layouting) this.fitTo(eles, 60);
    return hl;
  }

  clearHighlight() {
    this.cy.elements().removeClass('highlight faded');
  }

  highlightedIds() {
    return this.cy.elements('.highlight').map((e) => e.id());
  }

  /** PNG blob of the whole view, graph only. */
  png() {
    return this.cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' });
  }

  /**
   * PNG of the view with a title, a subtitle (date), a legend of the node
   * and relationship types on it, and a source line: what a slide needs.
   * `legend` is `[{name, color, line?}]`. Resolves to a Blob.
   */
  async annotatedPng({ title, subtitle, legend = [], source }) {
    const graphUrl = this.cy.png({ output: 'base64uri', full: true, scale: 2, bg: '#ffffff', maxWidth: 2400, maxHeight: 1600 });
    const img = await new Promise((resolve, reject) => {
      const i = new Image();
      i.onload = () => resolve(i);
      i.onerror = reject;
      i.src = graphUrl;
    });
    const pad = 32;
    const cols = 3;
    const rows = Math.ceil(legend.length / cols);
    const width = Math.max(img.width + 2 * pad, 1200);
    const head = 110;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = head + img.height + 60 + rows * 30 + 50;
    const g = canvas.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.fillStyle = '#123a66';
    g.font = 'bold 40px system-ui, sans-serif';
    g.fillText(title, pad, 56);
    g.fillStyle = '#4a5361';
    g.font = '26px system-ui, sans-serif';
    g.fillText(subtitle, pad, 94);
    g.drawImage(img, (width - img.width) / 2, head);
    let y = head + img.height + 40;
    const colW = (width - 2 * pad) / cols;
    g.font = '22px system-ui, sans-serif';
    legend.forEach((item, i) => {
      const x = pad + (i % cols) * colW;
      const yy = y + Math.floor(i / cols) * 30;
      g.fillStyle = item.color;
      g.strokeStyle = item.color;
      if (item.line) {
        g.lineWidth = 4;
        g.setLineDash(item.line === 'dashed' ? [10, 6] : item.line === 'dotted' ? [3, 5] : []);
        g.beginPath();
        g.moveTo(x, yy - 8);
        g.lineTo(x + 26, yy - 8);
        g.stroke();
        g.setLineDash([]);
      } else {
        g.beginPath();
        g.arc(x + 12, yy - 8, 10, 0, 2 * Math.PI);
        g.fill();
      }
      g.fillStyle = '#1c2430';
      g.fillText(item.name, x + 36, yy);
    });
    y += rows * 30 + 20;
    g.fillStyle = '#4a5361';
    g.font = '20px system-ui, sans-serif';
    g.fillText(source, pad, y);
    return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  }

  /** The visible elements in Cytoscape's JSON (with positions). */
  json() {
    const visible = this.cy.elements().not('.hidden');
    return {
      elements: {
        nodes: visible.nodes().map((n) => n.json()),
        edges: visible.edges().map((e) => e.json()),
      },
    };
  }

  changed() {
    this.handlers.onChange?.();
  }
}

/** True when every node but `hub` is a neighbour of `hub` (a star: one node and its neighbours). */
export function isStar(nodes, hub) {
  const around = hub.closedNeighborhood().nodes();
  return nodes.every((x) => around.has(x));
}
