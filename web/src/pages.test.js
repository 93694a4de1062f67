import { describe, expect, test } from 'vitest';
import { isOrigin, returnsSeries } from './pages.js';

describe('home list and returns chart', () => {
  test('countries of origin: assessed or linked, never the Netherlands; an API role decides', () => {
    expect(isOrigin({ key: 'IRQ', return_cooperation: { level: 'difficult' }, counts: { linkages: 3 } })).toBe(true);
    expect(isOrigin({ key: 'CHN', return_cooperation: null, counts: { linkages: 2 } })).toBe(true);
    expect(isOrigin({ key: 'AUS', return_cooperation: null, counts: { linkages: 0 } })).toBe(false);
    expect(isOrigin({ key: 'NLD', return_cooperation: null, counts: { linkages: 9 } })).toBe(false);
    expect(isOrigin({ key: 'XYZ', role: 'origin', counts: {} })).toBe(true);
    expect(isOrigin({ key: 'IRQ', role: 'partner', return_cooperation: { level: 'good' } })).toBe(false);
  });

  test('the return series reads the profile shape (years, per-year points) and the series shape', () => {
    const s = returnsSeries({
      years: [2014, 2015, 2016],
      netherlands: [{ year: 2014, persons: 195 }, { year: 2015, persons: 325 }],
      eu_efta_total: [{ year: 2014, persons: 1815 }, { year: 2016, persons: 17135 }],
    });
    expect(s).toEqual({ years: [2014, 2015, 2016], nl: [195, 325, null], eu: [1815, null, 17135] });
    const t = returnsSeries({ series: [{ reporting: 'NLD', points: [{ year: 2020, value: 10 }] }, { reporting: 'EU+EFTA', points: [{ year: 2020, value: 90 }] }] });
    expect(t).toEqual({ years: [2020], nl: [10], eu: [90] });
    expect(returnsSeries({ error: {} })).toBe(null);
    expect(returnsSeries({ years: [] })).toBe(null);
  });
});
