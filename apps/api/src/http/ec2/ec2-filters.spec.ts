import { filterMatcher, wildcard } from './ec2-filters';

describe('EC2 filter values', () => {
  it('reads * and ? as wildcards and a backslash as making the next character literal (the EC2 API reference example)', () => {
    // "a value of \*amazon\?\\ searches for the literal string *amazon?\" (DescribeTags, "Supported Filters").
    const literal = wildcard('\\*amazon\\?\\\\');
    expect(literal.test('*amazon?\\')).toBe(true);
    expect(literal.test('xamazonx\\')).toBe(false);
    expect(literal.test('*amazon?')).toBe(false);
    // Unescaped: * any run (also none), ? exactly one character.
    expect(wildcard('*amazon?').test('my-amazon1')).toBe(true);
    expect(wildcard('*amazon?').test('amazon')).toBe(false);
    // Regular-expression characters are plain text.
    expect(wildcard('10.0.0.1').test('10a0b0c1')).toBe(false);
    expect(wildcard('a+b').test('a+b')).toBe(true);
  });

  it('passes an item when every filter matches one of its values, and tag:<key> reads the tags given', () => {
    const items = [{ id: 'a', tags: { glob: 'a*b' } }, { id: 'b', tags: { glob: 'axxb' } }];
    const match = filterMatcher([{ name: 'tag:glob', values: ['a\\*b'] }], { id: (x: (typeof items)[number]) => x.id }, (x) => x.tags);
    expect(items.filter(match).map((x) => x.id)).toEqual(['a']);
    const both = filterMatcher([{ name: 'tag:glob', values: ['a*b'] }, { name: 'id', values: ['a', 'b'] }], { id: (x: (typeof items)[number]) => x.id }, (x) => x.tags);
    expect(items.filter(both).map((x) => x.id)).toEqual(['a', 'b']);
  });
  it("refuses a filter name that only the object prototype has (valueOf, __proto__, constructor) as any unknown name: InvalidParameterValue, not a 500", () => {
    const fields = { name: (v: { name: string }) => v.name };
    for (const name of ['valueOf', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'bogus'])
      expect(() => filterMatcher([{ name, values: ['x'] }], fields)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
    expect(filterMatcher([{ name: 'name', values: ['a*'] }], fields)({ name: 'abc' })).toBe(true);
  });
});
