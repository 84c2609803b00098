import { ApiError } from '../../application/common/api-errors';
import type { Ec2Filter } from './ec2-action';

/** What one filter name reads of an item: a value, several (any may match), or none. */
export type FilterField<T> = (item: T) => string | number | boolean | readonly string[] | undefined;

/**
 * EC2's filter semantics: an item passes when every filter matches (AND) and, within one filter,
 * any of its values matches any of the item's values (OR); values may hold `*` (any run) and `?`
 * (one character). `tag:<key>` filters, when `tags` is given, match that tag's value; `tag-key` and
 * `tag-value` any tag's key or value, when the table declares them. An unknown filter name is
 * InvalidParameterValue, never ignored.
 */
export function filterMatcher<T>(
  filters: readonly Ec2Filter[],
  fields: Readonly<Record<string, FilterField<T>>>,
  tags?: (item: T) => Readonly<Record<string, string>>,
): (item: T) => boolean {
  const tests = filters.map((f) => {
    const patterns = f.values.map(wildcard);
    if (f.name.startsWith('tag:') && tags) {
      const key = f.name.slice(4);
      return (item: T) => {
        const v = tags(item)[key];
        return v !== undefined && patterns.some((p) => p.test(v));
      };
    }
    // Own names only: a name such as `valueOf` or `__proto__` is no filter (the prototype's would be called).
    const field = Object.hasOwn(fields, f.name) ? fields[f.name] : undefined;
    if (!field) throw new ApiError('InvalidParameterValue', `The filter '${f.name.slice(0, 100)}' is invalid${tags ? '' : ''}; supported: ${[...Object.keys(fields), ...(tags ? ['tag:<key>'] : [])].join(', ')}.`);
    return (item: T) => {
      const raw = field(item);
      if (raw === undefined) return false;
      const values = Array.isArray(raw) ? raw : [String(raw)];
      return values.some((v) => patterns.some((p) => p.test(v)));
    };
  });
  return (item) => tests.every((t) => t(item));
}

const cache = new Map<string, RegExp>();

/**
 * A filter value as a regular expression: `*` any run, `?` one character, and a backslash makes the
 * next character literal (EC2: "a value of \*amazon\?\\ searches for the literal string *amazon?\").
 */
export function wildcard(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
      else if (c === '*') source += '.*';
      else if (c === '?') source += '.';
      else source += escapeRegExp(c);
    }
    re = new RegExp('^' + source + '$', 's');
    if (cache.size < 10_000) cache.set(pattern, re);
  }
  return re;
}

const escapeRegExp = (c: string): string => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
