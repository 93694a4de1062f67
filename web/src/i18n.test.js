import { describe, expect, test } from 'vitest';
import WORDS from '../../graph/words.json';
import { DICT, enumWords, fmtDate, fmtNumber, setLang, t, tv } from './i18n.js';

describe('dictionary', () => {
  test('Dutch and English have the same keys and no empty strings', () => {
    const nl = Object.keys(DICT.nl).sort();
    const en = Object.keys(DICT.en).sort();
    expect(nl).toEqual(en);
    for (const lang of ['nl', 'en']) for (const [k, v] of Object.entries(DICT[lang])) expect(v, `${lang}:${k}`).not.toBe('');
  });

  test('no label or relationship names are restated here: they come from the schema', () => {
    expect(Object.keys(DICT.nl).filter((k) => k.startsWith('label.') || k.startsWith('rel.'))).toEqual([]);
  });

  test("the enum values' words are words.json's, the file the country brief reads", () => {
    expect(WORDS.outcome.no_result).toEqual({ nl: 'geen resultaat', en: 'no result' });
    for (const lang of ['nl', 'en']) {
      for (const [kind, values] of Object.entries(WORDS)) {
        if (kind.startsWith('$')) continue;
        for (const [value, names] of Object.entries(values)) expect(tv(kind, value, lang)).toBe(names[lang]);
      }
    }
    expect(enumWords({ $comment: 'x', trend: { stable: { nl: 'stabiel', en: 'stable' } } })).toEqual({ nl: { 'trend.stable': 'stabiel' }, en: { 'trend.stable': 'stable' } });
  });

  test('placeholders are filled and the language switches', () => {
    setLang('en');
    expect(t('canvas.count', { n: 12 })).toBe('12 nodes visible');
    setLang('nl');
    expect(t('canvas.count', { n: 12 })).toBe('12 knopen zichtbaar');
    expect(tv('level', 'difficult')).toBe('moeizaam');
    expect(tv('level', 'difficult', 'en')).toBe('difficult');
    expect(tv('kind', 'joint_action')).toBe('gezamenlijk optreden');
    expect(tv('kind', 'no_such_value')).toBe('no such value');
    expect(t('no.such.key')).toBe('no.such.key');
  });

  test('dates are formatted per language, in UTC', () => {
    expect(fmtDate('2014-02-25', 'en')).toBe('25 Feb 2014');
    expect(fmtDate('2014-02-25', 'nl')).toMatch(/^25 feb\.? 2014$/);
    expect(fmtDate('', 'nl')).toBe('');
    // Formatters are kept per language and number of digits: each call still gets its own.
    expect(fmtDate('2014-02-25', 'en')).toBe('25 Feb 2014');
    expect(fmtNumber(1234.567, 'nl')).toBe('1.234,57');
    expect(fmtNumber(1234.567, 'en')).toBe('1,234.57');
    expect(fmtNumber(1234.567, 'en', 0)).toBe('1,235');
    expect(fmtNumber(null, 'nl')).toBe('');
  });
});
