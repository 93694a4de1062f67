import { describe, expect, test } from 'vitest';
import { ApiError, api, problemFrom } from './api.js';
import { coerceParam } from './analyst.js';

describe('problem+json', () => {
  test('title and detail are kept', () => {
    const e = problemFrom(403, { type: 'about:blank', title: 'Write refused', status: 403, detail: 'CREATE is not allowed' });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.title).toBe('Write refused');
    expect(e.detail).toBe('CREATE is not allowed');
    expect(e.status).toBe(403);
  });

  test("FastAPI's validation detail list becomes text", () => {
    const e = problemFrom(422, { detail: [{ msg: 'field required' }, { msg: 'bad date' }] }, 'Unprocessable Entity');
    expect(e.title).toBe('Unprocessable Entity');
    expect(e.detail).toBe('field required; bad date');
  });

  test('a plain-text body is the detail', () => {
    const e = problemFrom(502, 'Bad gateway\n', 'Bad Gateway');
    expect(e.title).toBe('Bad Gateway');
    expect(e.detail).toBe('Bad gateway');
  });
});

describe('query parameters', () => {
  test('values are coerced to the declared type', () => {
    expect(coerceParam('int', '3')).toBe(3);
    expect(coerceParam('float', '0.5')).toBe(0.5);
    expect(coerceParam('string', 'IRQ')).toBe('IRQ');
    expect(coerceParam('date', '2014-02-25')).toBe('2014-02-25');
    expect(coerceParam('string[]', 'IRQ, AFG')).toEqual(['IRQ', 'AFG']);
    expect(coerceParam('bool', true)).toBe(true);
    expect(coerceParam('int', '')).toBeUndefined();
    expect(() => coerceParam('int', '1.5')).toThrow();
  });
});

describe('brief link', () => {
  test('carries the as-of and known-by dates the page is read at', () => {
    expect(api.briefUrl('GHA', { lang: 'en', asOf: '2013-01-01', knownBy: '2012-06-01' })).toBe('/api/countries/GHA/brief?lang=en&as_of=2013-01-01&known_by=2012-06-01');
    expect(api.briefUrl('GHA', { lang: 'nl' })).toBe('/api/countries/GHA/brief?lang=nl');
  });
});
