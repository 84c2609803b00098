import { DomainError } from '@nimbus/hypervisor';
import { mergeTags, validateTags } from './tags';
import { errorCodeOf } from '../common/testing/error-code';

const tags = (n: number, prefix = 'k') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'v']));
const codeOf = errorCodeOf;

describe('EC2 tag rules', () => {
  it('50 tags are accepted; a 51st is TagLimitExceeded (Tag restrictions: 50 per resource)', () => {
    expect(Object.keys(validateTags(tags(50)))).toHaveLength(50);
    expect(codeOf(() => validateTags(tags(51)))).toBe('TagLimitExceeded');
  });

  it('a key of 129 characters, an aws: prefix or a value of 257 characters is InvalidParameterValue', () => {
    expect(codeOf(() => validateTags({ ['k'.repeat(129)]: 'v' }))).toBe('InvalidParameterValue');
    expect(codeOf(() => validateTags({ 'aws:x': 'v' }))).toBe('InvalidParameterValue');
    expect(codeOf(() => validateTags({ k: 'v'.repeat(257) }))).toBe('InvalidParameterValue');
  });

  it('CreateTags: 49 + 2 new keys is TagLimitExceeded naming the resource; replacing values of a resource at 50 is not', () => {
    let err: DomainError | undefined;
    try {
      mergeTags('i-0123456789abcdef0', tags(49), tags(2, 'n'));
    } catch (e) {
      err = e as DomainError;
    }
    expect(err?.code).toBe('TagLimitExceeded');
    expect(err?.message).toContain('i-0123456789abcdef0');
    expect(mergeTags('i-0123456789abcdef0', tags(50), { k0: 'changed', k49: 'changed' })).toMatchObject({ k0: 'changed', k1: 'v', k49: 'changed' });
    expect(Object.keys(mergeTags('i-1', tags(49), { n: 'v' }))).toHaveLength(50);
  });
});
