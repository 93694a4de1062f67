import { describe, expect, test } from 'vitest';
import cytoscape from 'cytoscape';
import { isStar } from './canvas.js';

describe('isStar', () => {
  const graph = (edges) => {
    const ids = [...new Set(edges.flat())];
    return cytoscape({
      headless: true,
      elements: [...ids.map((id) => ({ data: { id } })), ...edges.map(([s, t]) => ({ data: { id: `${s}-${t}`, source: s, target: t } }))],
    });
  };

  test('one node and its neighbours is a star around it, even with edges between neighbours', () => {
    const cy = graph([['IRQ', 'a'], ['IRQ', 'b'], ['c', 'IRQ'], ['a', 'b']]);
    expect(isStar(cy.nodes(), cy.getElementById('IRQ'))).toBe(true);
  });

  test('a node two steps away is not, nor is a star around another node', () => {
    const cy = graph([['IRQ', 'a'], ['a', 'far']]);
    expect(isStar(cy.nodes(), cy.getElementById('IRQ'))).toBe(false);
    expect(isStar(cy.nodes(), cy.getElementById('a'))).toBe(true);
    expect(isStar(cy.nodes(), cy.getElementById('far'))).toBe(false);
  });
});
