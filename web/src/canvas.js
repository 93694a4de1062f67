// The graph canvas: Cytoscape.js with the fCoSE layout. Holds no rules of
// its own; merging, filtering and highlighting come from graph.js.

import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import {
  computeHidden,
  cyStylesheet,
  mergeElements,
  normalizeElements,
  pathHighlight,
  typeCounts,
  withDisplay,
  displayName,
} from './graph.js';

cytoscape.use(fcose);

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
        if (el.nonempty() && data) {
          el.data(el.isNode() ? { ...data, display: displayName(data, this.lang) } : data);
        }
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
    this.applyFilters();
    if (focus) this.focus(focus);
    if (layout && (newNodes.length || fresh)) this.layout({ randomize: fresh || !start });
    this.changed();
    return merged.added;
  }

  clear() {
    this.cy.elements().remove();
    this.changed();
  }

  setLang(lang) {
    this.lang = lang;
    this.cy.batch(() => this.cy.nodes().forEach((n) => n.data('display', displayName(n.data(), lang))));
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

  layout({ randomize = false } = {}) {
    const n = this.cy.nodes().length;
    if (!n) return;
    const visible = this.cy.elements().not('.hidden');
    this.cy.stop();
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
    this.cy.maxZoom(FIT_MAX_ZOOM); // restored on layoutstop
    (visible.nonempty() ? visible : this.cy.elements()).layout(opts).run();
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

  /** PNG blob of the whole view. */
  png() {
    return this.cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' });
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
