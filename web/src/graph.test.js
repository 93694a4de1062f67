import { describe, expect, test } from 'vitest';
import cytoscape from 'cytoscape';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  History,
  computeHidden,
  cyStylesheet,
  displayName,
  refName,
  isActiveAt,
  keysToFetchForPath,
  legendItems,
  legendShapeSvg,
  mergeElements,
  normalizeElements,
  parseLocator,
  pathHighlight,
  pickElements,
  styleFor,
  typeCounts,
  visibleNodeCount,
  withDisplay,
  groupExpansion,
  hashToView,
  labelName,
  nodeLabels,
  relName,
  setSchema,
  shortLabels,
  timelinePoints,
  viaText,
  viewToHash, withKnownBy } from './graph.js';

// The real schema, as GET /api/schema answers it (koppel's engine, from graph/schema.yaml).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCHEMA = JSON.parse(
  execFileSync(`${ROOT}.venv/bin/python`, ['-c', 'from koppel.queries.engine import describe_schema; print(describe_schema().model_dump_json())'], { cwd: ROOT, encoding: 'utf-8' }),
);
setSchema(SCHEMA);
const LABELS = SCHEMA.labels.map((l) => l.label);

const LOC = 'kamerbrief-2014-02-25-strategische-landenbenadering-migratie#L70-L75';

const node = (id, type, props = {}, extra = {}) => ({
  data: { id, label: type, type, name: id, properties: props, sources: [LOC], ...extra },
});
const edge = (source, type, target, props = {}) => ({
  data: { id: `${source}|${type}|${target}`, source, target, label: type, type, name: type, properties: props, sources: [LOC] },
});

// The IRQ neighbourhood as the API returns it.
const irq = {
  nodes: [
    node('IRQ', 'Country'),
    node('NLD', 'Country'),
    node('irq-aid', 'Dossier', { domain: 'development_aid' }),
    node('visit-2013-09', 'Event', { date: '2013-09-01' }),
  ],
  edges: [
    edge('NLD', 'CONTROLS', 'irq-aid'),
    edge('irq-aid', 'BETWEEN', 'IRQ'),
    edge('visit-2013-09', 'TARGETS', 'IRQ'),
  ],
};

// The neighbourhood of irq-aid: overlaps IRQ's, adds a linkage.
const aid = {
  nodes: [
    node('irq-aid', 'Dossier', { domain: 'development_aid', status: 'offered' }),
    node('IRQ', 'Country'),
    node('lnk-irq-aid', 'Linkage', { direction: 'positive', date: '2012-06-01' }),
  ],
  edges: [edge('irq-aid', 'BETWEEN', 'IRQ'), edge('lnk-irq-aid', 'LINKS', 'irq-aid')],
};

describe('normalizeElements', () => {
  test('fills type from label and tolerates null', () => {
    expect(normalizeElements(null)).toEqual({ nodes: [], edges: [] });
    const n = normalizeElements({ nodes: [{ data: { id: 'A', label: 'Forum' } }], edges: [] });
    expect(n.nodes[0].data.type).toBe('Forum');
    expect(n.nodes[0].data.properties).toEqual({});
  });

  test('splits a flat array into nodes and edges', () => {
    const n = normalizeElements([...irq.nodes, ...irq.edges]);
    expect(n.nodes.map((x) => x.data.id)).toEqual(['IRQ', 'NLD', 'irq-aid', 'visit-2013-09']);
    expect(n.edges).toHaveLength(3);
  });

  test('drops elements without an id', () => {
    const n = normalizeElements({ nodes: [{ data: {} }, node('A', 'Country')], edges: [{ data: { id: 'x' } }] });
    expect(n.nodes).toHaveLength(1);
    expect(n.edges).toHaveLength(0);
  });
});

describe('mergeElements', () => {
  test('merges two overlapping neighbourhoods without duplicates', () => {
    const m = mergeElements(irq, aid);
    const ids = m.nodes.map((n) => n.data.id);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(ids.sort()).toEqual(['IRQ', 'NLD', 'irq-aid', 'lnk-irq-aid', 'visit-2013-09']);
    const edgeIds = m.edges.map((e) => e.data.id);
    expect(edgeIds).toHaveLength(new Set(edgeIds).size);
    expect(edgeIds).toHaveLength(4);
    expect(m.added).toEqual({ nodes: ['lnk-irq-aid'], edges: ['lnk-irq-aid|LINKS|irq-aid'] });
  });

  test('merging the same payload twice adds nothing', () => {
    const once = mergeElements(null, irq);
    const twice = mergeElements(once, irq);
    expect(twice.nodes).toHaveLength(4);
    expect(twice.edges).toHaveLength(3);
    expect(twice.added).toEqual({ nodes: [], edges: [] });
  });

  test('newer data updates properties of a node already present', () => {
    const m = mergeElements(irq, aid);
    const d = m.nodes.find((n) => n.data.id === 'irq-aid').data;
    expect(d.properties).toEqual({ domain: 'development_aid', status: 'offered' });
    expect(d.sources).toEqual([LOC]);
  });

  test('drops edges whose endpoints are missing', () => {
    const m = mergeElements(null, { nodes: [node('A', 'Country')], edges: [edge('A', 'MEMBER_OF', 'ghost')] });
    expect(m.edges).toHaveLength(0);
    expect(m.dropped).toEqual(['A|MEMBER_OF|ghost']);
  });

  test('an edge may attach to a node already on the canvas', () => {
    const m = mergeElements(irq, { nodes: [], edges: [edge('IRQ', 'WANTS', 'irq-aid')] });
    expect(m.added.edges).toEqual(['IRQ|WANTS|irq-aid']);
  });
});

describe('as-of filtering', () => {
  test('isActiveAt honours valid_from, valid_to and date', () => {
    expect(isActiveAt({ properties: {} }, '2010-01-01')).toBe(true);
    expect(isActiveAt({ properties: { valid_from: '2012-06-01' } }, '2010-01-01')).toBe(false);
    expect(isActiveAt({ properties: { valid_from: '2012-06-01' } }, '2012-06-01')).toBe(true);
    expect(isActiveAt({ properties: { valid_to: '2009-12-31' } }, '2010-01-01')).toBe(false);
    expect(isActiveAt({ properties: { valid_to: '2010-01-01' } }, '2010-01-01')).toBe(true);
    expect(isActiveAt({ properties: { date: '2013-09-01' } }, '2013-08-31')).toBe(false);
    expect(isActiveAt({ date: '2013-09-01' }, '2014-01-01')).toBe(true);
    expect(isActiveAt({ properties: { valid_from: '2015-01-01' } }, '')).toBe(true);
  });

  test('a fact without a start of its own does not hold before it was first reported (the server rule)', () => {
    expect(isActiveAt({ properties: { undated: true, first_reported: '2014-02-25' } }, '2013-01-01')).toBe(false);
    expect(isActiveAt({ properties: { known_from: '2014-02-25' } }, '2014-02-25')).toBe(true);
    expect(isActiveAt({ properties: { date: '2012-09-28', known_from: '2014-02-25' } }, '2013-01-01')).toBe(true);
  });

  test('the known-by control reads the same view at another date, keeping route, as-of and filters', () => {
    const hash = '#/country/GHA?as_of=2013-01-01&hide=Event&expand=d-old';
    expect(withKnownBy(hash, '2012-06-01')).toBe('#/country/GHA?as_of=2013-01-01&known_by=2012-06-01&hide=Event&expand=d-old');
    expect(withKnownBy('#/country/GHA?known_by=2012-06-01', '')).toBe('#/country/GHA');
    expect(withKnownBy('#/node/Linkage/l-new?known_by=2012-06-01', '2014-01-01')).toBe('#/node/Linkage/l-new?known_by=2014-01-01');
    expect(withKnownBy('#/', '2012-13')).toBe('#/'); // not a date: everything known now
  });

  test('known_by travels in the URL state beside as_of; a malformed date is dropped', () => {
    const hash = viewToHash({ kind: 'country', key: 'GHA', asOf: '2013-01-01', knownBy: '2013-06-01' });
    expect(hash).toBe('#/country/GHA?as_of=2013-01-01&known_by=2013-06-01');
    expect(hashToView(hash)).toMatchObject({ kind: 'country', key: 'GHA', asOf: '2013-01-01', knownBy: '2013-06-01' });
    expect(hashToView('#/country/GHA?known_by=2013-13').knownBy).toBeUndefined();
  });

  test("an assessment's as_of counts as its date", () => {
    expect(isActiveAt({ type: 'Assessment', properties: { as_of: '2014-02-25' } }, '2010-01-01')).toBe(false);
    expect(isActiveAt({ type: 'Assessment', properties: { as_of: '2014-02-25' } }, '2014-03-01')).toBe(true);
  });

  test('valid_from wins over date', () => {
    expect(isActiveAt({ properties: { valid_from: '2001-01-01', date: '2013-01-01' } }, '2005-01-01')).toBe(true);
  });

  test('computeHidden hides later nodes and the edges that touch them', () => {
    const els = mergeElements(irq, aid);
    const hidden = computeHidden(els, { asOf: '2010-01-01' });
    expect([...hidden].sort()).toEqual(
      ['lnk-irq-aid', 'lnk-irq-aid|LINKS|irq-aid', 'visit-2013-09', 'visit-2013-09|TARGETS|IRQ'].sort(),
    );
    expect(visibleNodeCount(els, hidden)).toBe(3);
    expect(visibleNodeCount(els, computeHidden(els, { asOf: '2014-02-25' }))).toBe(5);
  });

  test('edges carry their own validity', () => {
    const els = { nodes: irq.nodes, edges: [edge('NLD', 'CONTROLS', 'irq-aid', { valid_from: '2013-01-01' })] };
    const hidden = computeHidden(els, { asOf: '2012-01-01' });
    expect(hidden.has('NLD|CONTROLS|irq-aid')).toBe(true);
    expect(hidden.has('NLD')).toBe(false);
  });

  test('type filters hide node labels and relationship types', () => {
    const hidden = computeHidden(irq, { hiddenTypes: new Set(['Dossier']), hiddenRels: new Set(['TARGETS']) });
    expect(hidden.has('irq-aid')).toBe(true);
    expect(hidden.has('NLD|CONTROLS|irq-aid')).toBe(true); // endpoint hidden
    expect(hidden.has('visit-2013-09|TARGETS|IRQ')).toBe(true);
    expect(hidden.has('IRQ')).toBe(false);
    expect(visibleNodeCount(irq, hidden)).toBe(3);
  });
});

describe('styles and legend', () => {
  test('every schema label has its own shape and colour, from the schema', () => {
    expect(nodeLabels()).toEqual(LABELS);
    expect(LABELS.length).toBeGreaterThanOrEqual(13);
    const shapes = LABELS.map((l) => `${styleFor(l).shape} ${styleFor(l).color}`);
    expect(new Set(shapes).size).toBe(LABELS.length);
    expect(styleFor('Nope')).toEqual({ shape: 'ellipse', color: '#888888', size: 24 });
  });

  test('the stylesheet has one selector per label matching the schema', () => {
    const sheet = cyStylesheet();
    for (const info of SCHEMA.labels) {
      const rule = sheet.find((r) => r.selector === `node[type = "${info.label}"]`);
      expect(rule, info.label).toBeTruthy();
      expect(rule.style.shape).toBe(info.style.shape);
      expect(rule.style['background-color']).toBe(info.style.colour);
    }
  });

  test('labels and relationship types have Dutch and English names, never keys', () => {
    expect(labelName('Agreement', 'nl')).toBe(SCHEMA.labels.find((l) => l.label === 'Agreement').names.nl);
    expect(labelName('Agreement', 'en')).toBe(SCHEMA.labels.find((l) => l.label === 'Agreement').names.en);
    for (const r of SCHEMA.relationship_types) {
      for (const lang of ['nl', 'en']) {
        const name = relName(r.type, lang);
        expect(name).toBeTruthy();
        expect(name).not.toMatch(/^[A-Z_]+$/);
      }
    }
    expect(viaText(['MEMBER_OF/PARTY_TO'], 'nl')).toBe(`${relName('MEMBER_OF', 'nl')} → ${relName('PARTY_TO', 'nl')}`);
    expect(relName('NO_SUCH_TYPE', 'en')).toBe('no such type');
  });

  test('Cytoscape applies the shape and colour per label', () => {
    const cy = cytoscape({ headless: true, styleEnabled: true, style: cyStylesheet(), elements: withDisplay(mergeElements(irq, aid), 'nl') });
    expect(cy.getElementById('IRQ').style('shape')).toBe('ellipse');
    expect(cy.getElementById('irq-aid').style('shape')).toBe('round-tag');
    expect(cy.getElementById('lnk-irq-aid').style('shape')).toBe('star');
    expect(cy.getElementById('visit-2013-09').style('shape')).toBe('triangle');
    cy.getElementById('IRQ').addClass('hidden');
    expect(cy.getElementById('IRQ').style('display')).toBe('none');
    cy.destroy();
  });

  test('legend lists every label with its count and an SVG swatch', () => {
    const items = legendItems(typeCounts(mergeElements(irq, aid)).labels);
    expect(items.map((i) => i.label)).toEqual(LABELS);
    expect(items.find((i) => i.label === 'Country').count).toBe(2);
    expect(items.find((i) => i.label === 'Linkage').count).toBe(1);
    expect(items.find((i) => i.label === 'Forum').count).toBe(0);
    expect(legendShapeSvg('ellipse')).toContain('<circle');
    expect(legendShapeSvg('star')).toContain('<polygon');
    expect(legendShapeSvg('round-rectangle')).toContain('<rect');
  });

  test('typeCounts counts relationship types', () => {
    expect(typeCounts(mergeElements(irq, aid)).rels).toEqual({ CONTROLS: 1, BETWEEN: 1, TARGETS: 1, LINKS: 1 });
  });
});

describe('path highlighting', () => {
  const path = { nodes: ['IRQ', 'irq-aid', 'NLD', 'IRQ'], edges: ['IRQ|WANTS|irq-aid', 'NLD|CONTROLS|irq-aid'] };

  test('returns the node keys and edge ids, deduplicated', () => {
    const hl = pathHighlight(path, new Set(['IRQ', 'irq-aid', 'NLD', 'NLD|CONTROLS|irq-aid']));
    expect(hl.nodes).toEqual(['IRQ', 'irq-aid', 'NLD']);
    expect(hl.edges).toEqual(['IRQ|WANTS|irq-aid', 'NLD|CONTROLS|irq-aid']);
    expect(hl.ids).toEqual(['IRQ', 'irq-aid', 'NLD', 'IRQ|WANTS|irq-aid', 'NLD|CONTROLS|irq-aid']);
    expect(hl.missingNodes).toEqual([]);
    expect(hl.missingEdges).toEqual(['IRQ|WANTS|irq-aid']);
  });

  test('keysToFetchForPath asks for missing nodes, and an endpoint of a missing edge', () => {
    expect(keysToFetchForPath(path, new Set(['IRQ', 'irq-aid', 'NLD', 'NLD|CONTROLS|irq-aid']))).toEqual(['IRQ']);
    expect(keysToFetchForPath(path, new Set(['IRQ']))).toEqual(['irq-aid', 'NLD']);
    const all = new Set([...path.nodes, ...path.edges]);
    expect(keysToFetchForPath(path, all)).toEqual([]);
    expect(keysToFetchForPath(null, new Set())).toEqual([]);
  });

  test('pickElements keeps only the path elements', () => {
    const picked = pickElements(mergeElements(irq, aid), new Set(pathHighlight(path).ids));
    expect(picked.nodes.map((n) => n.data.id).sort()).toEqual(['IRQ', 'NLD', 'irq-aid']);
    expect(picked.edges.map((e) => e.data.id)).toEqual(['NLD|CONTROLS|irq-aid']);
  });

  test('Cytoscape marks exactly the path as highlighted', () => {
    const cy = cytoscape({ headless: true, elements: mergeElements(irq, aid) });
    const hl = pathHighlight({ nodes: ['NLD', 'irq-aid'], edges: ['NLD|CONTROLS|irq-aid'] }, new Set(cy.elements().map((e) => e.id())));
    cy.elements().addClass('faded');
    for (const id of hl.ids) cy.getElementById(id).removeClass('faded').addClass('highlight');
    expect(cy.elements('.highlight').map((e) => e.id()).sort()).toEqual(['NLD', 'NLD|CONTROLS|irq-aid', 'irq-aid']);
    expect(cy.elements('.faded')).toHaveLength(cy.elements().length - 3);
    cy.destroy();
  });
});

describe('names and locators', () => {
  test('displayName picks the language, falling back', () => {
    const item = { key: 'IRQ', name: 'Irak', name_en: 'Iraq' };
    expect(displayName(item, 'nl')).toBe('Irak');
    expect(displayName(item, 'en')).toBe('Iraq');
    expect(displayName({ key: 'X', name: 'Alleen NL' }, 'en')).toBe('Alleen NL');
    expect(displayName({ id: 'k', properties: { name_en: 'From props' } }, 'en')).toBe('From props');
    expect(displayName({ key: 'only-key' }, 'nl')).toBe('only-key');
  });

  test('withDisplay sets the canvas label per language', () => {
    const els = withDisplay({ nodes: [{ data: { id: 'IRQ', type: 'Country', name: 'Irak', properties: { name_en: 'Iraq' } } }] }, 'en');
    expect(els.nodes[0].data.display).toBe('Iraq');
  });

  test('parseLocator reads document and line range', () => {
    expect(parseLocator(LOC)).toEqual({ document: 'kamerbrief-2014-02-25-strategische-landenbenadering-migratie', from: 70, to: 75 });
    expect(parseLocator('doc#L9')).toEqual({ document: 'doc', from: 9, to: 9 });
    expect(parseLocator('not a locator')).toBeNull();
  });
});

describe('workbench helpers', () => {
  test('shortened labels stay distinct when full names differ', () => {
    const names = new Map([
      ['a', 'Overeenkomst tussen de Regering van het Koninkrijk der Nederlanden en Irak inzake luchtdiensten'],
      ['b', 'Overeenkomst tussen de Regering van het Koninkrijk der Nederlanden en Irak inzake economische samenwerking'],
      ['c', 'Irak'],
    ]);
    const short = shortLabels(names, 28);
    expect(short.get('c')).toBe('Irak');
    expect(short.get('a')).not.toBe(short.get('b'));
    expect(short.get('a').length).toBeLessThan(names.get('a').length);
    expect(short.get('a')).toContain('…');
    expect(short.get('a')).toContain('luchtdiensten');
    // The same full name twice is not lengthened forever.
    const same = shortLabels(new Map([['x', 'A very long name that will be cut somewhere'], ['y', 'A very long name that will be cut somewhere']]), 10);
    expect(same.get('x')).toBe(same.get('y'));
  });

  test('a large expansion is grouped by label; a small one is not', () => {
    const around = 'NLD';
    const nodes = [node(around, 'Country')];
    const edges = [];
    for (let i = 0; i < 40; i++) {
      nodes.push(node(`t${i}`, 'Agreement'));
      edges.push(edge(around, 'PARTY_TO', `t${i}`));
    }
    for (let i = 0; i < 3; i++) {
      nodes.push(node(`f${i}`, 'Forum'));
      edges.push(edge(around, 'PARTICIPATES_IN', `f${i}`));
    }
    const res = groupExpansion({ nodes, edges }, new Set([around]), around, { threshold: 25, minGroup: 5 });
    expect(res.groups).toHaveLength(1);
    expect(res.groups[0]).toMatchObject({ id: 'group:NLD:Agreement', type: 'Agreement' });
    expect(res.groups[0].members).toHaveLength(40);
    const ids = res.elements.nodes.map((n) => n.data.id);
    expect(ids).toContain('group:NLD:Agreement');
    expect(ids).toContain('f0');
    expect(ids).not.toContain('t0');
    expect(res.elements.edges.every((e) => !e.data.target.startsWith('t'))).toBe(true);
    expect(res.members.nodes).toHaveLength(40);
    const small = groupExpansion({ nodes: nodes.slice(0, 10), edges: edges.slice(0, 9) }, new Set([around]), around);
    expect(small.groups).toHaveLength(0);
    expect(small.elements.nodes).toHaveLength(10);
  });

  test('the view state goes into the URL fragment and back', () => {
    const view = { kind: 'country', key: 'IRQ', asOf: '2013-01-01', hiddenTypes: ['Event', 'Document'], hiddenRels: ['FUNDS'], expanded: ['NLD', 'boedapest-proces'] };
    const hash = viewToHash(view);
    expect(hash).toBe('#/country/IRQ?as_of=2013-01-01&hide=Document,Event&hiderel=FUNDS&expand=NLD,boedapest-proces');
    expect(hashToView(hash)).toEqual({ ...view, hiddenTypes: ['Document', 'Event'] });
    expect(hashToView('#/compare/IRQ,AFG,GHA,IND')).toMatchObject({ kind: 'compare', keys: ['IRQ', 'AFG', 'GHA'] });
    expect(hashToView('#/country/IRQ?as_of=2013')).toMatchObject({ asOf: '' });
    expect(hashToView('#/node/Forum/boedapest-proces')).toMatchObject({ kind: 'node', label: 'Forum', key: 'boedapest-proces' });
    expect(hashToView('')).toMatchObject({ kind: 'home', expanded: [] });
  });

  test('undo and redo walk the history; a new change drops the redo branch', () => {
    const hist = new History(3);
    hist.push(1);
    hist.push(2);
    expect(hist.undo(3)).toBe(2);
    expect(hist.undo(2)).toBe(1);
    expect(hist.undo(1)).toBe(null);
    expect(hist.redo(1)).toBe(2);
    hist.push(5);
    expect(hist.canRedo).toBe(false);
    for (let i = 0; i < 10; i++) hist.push(i);
    expect(hist.past).toHaveLength(3);
  });

  test('timeline points are dated and sorted, the undated kept apart', () => {
    const tl = timelinePoints({
      events: [{ key: 'e2', date: '2013-09-01' }, { key: 'e1', date: '2012-06-01' }, { key: 'e0' }],
      return_cooperation: [{ key: 'a', as_of: '2014-02-25' }],
      agreements: [{ key: 't', date_signed: '1954-12-16' }],
      linkages: [{ key: 'l' }],
    });
    expect(tl.dated.map((p) => p.item.key)).toEqual(['t', 'e1', 'e2', 'a']);
    expect(tl.undated.map((p) => p.kind)).toEqual(['event', 'linkage']);
  });
});

describe('names of linkage references', () => {
  test('a reference with a Dutch name: name_nl in Dutch, name (English) in English', () => {
    const ref = { key: 'instrument-grensbewaking', name: 'Better border management in countries of origin', name_nl: 'Verbetering grensbewaking herkomstlanden' };
    expect(refName(ref, 'nl')).toBe('Verbetering grensbewaking herkomstlanden');
    expect(refName(ref, 'en')).toBe('Better border management in countries of origin');
  });
  test('without a Dutch name there is no answer here (the profile or canvas may have one)', () => {
    expect(refName({ key: 'x', name: 'Only English' }, 'nl')).toBeNull();
    expect(refName(null, 'en')).toBeNull();
  });
});
