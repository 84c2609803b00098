import { chooseAssociationAddress, MAX_ELASTIC_IPS, requireAddressQuota, requireReassociation } from './elastic-ips.service';
import { errorCodeOf } from '../common/testing/error-code';

const codeOf = errorCodeOf;

describe('requireAddressQuota: Elastic IPs a tenant may hold', () => {
  it('admits the 5th, refuses the 6th with EC2\'s AddressLimitExceeded and its words', () => {
    expect(MAX_ELASTIC_IPS).toBe(5);
    for (let held = 0; held < MAX_ELASTIC_IPS; held++) expect(codeOf(() => requireAddressQuota(held))).toBeUndefined();
    expect(codeOf(() => requireAddressQuota(MAX_ELASTIC_IPS))).toBe('AddressLimitExceeded');
    expect(() => requireAddressQuota(MAX_ELASTIC_IPS)).toThrow(expect.objectContaining({ code: 'AddressLimitExceeded', message: 'The maximum number of addresses has been reached.' }));
  });
});

describe('requireReassociation: an Elastic IP associated elsewhere', () => {
  const free = { allocationId: 'eipalloc-0123456789abcdef0', associationId: null };
  const held = { allocationId: 'eipalloc-0123456789abcdef0', associationId: 'eipassoc-0123456789abcdef0' };
  it.each([
    // associated, AllowReassociation, refused
    [false, undefined, false],
    [false, false, false],
    [true, undefined, false], // reassociation is automatic
    [true, true, false],
    [true, false, true], // false asks EC2 to fail instead
  ])('associated %s, AllowReassociation %s: refused %s', (associated, allow, refused) => {
    expect(codeOf(() => requireReassociation(associated ? held : free, allow))).toBe(refused ? 'Resource.AlreadyAssociated' : undefined);
  });
  it('names the allocation and its association as EC2 does', () => {
    expect(() => requireReassociation(held, false)).toThrow('resource eipalloc-0123456789abcdef0 is already associated with associate-id eipassoc-0123456789abcdef0');
  });
});

describe('chooseAssociationAddress: which private address of the interface', () => {
  const eni = { id: 'eni-0123456789abcdef0', privateIpAddress: '10.0.0.4' };
  it('is the primary by default, or the one asked when the interface has it (primary or secondary)', () => {
    expect(chooseAssociationAddress(eni, [], undefined)).toBe('10.0.0.4');
    expect(chooseAssociationAddress(eni, ['10.0.0.5'], undefined)).toBe('10.0.0.4');
    expect(chooseAssociationAddress(eni, ['10.0.0.5'], '10.0.0.4')).toBe('10.0.0.4');
    expect(chooseAssociationAddress(eni, ['10.0.0.5', '10.0.0.6'], '10.0.0.6')).toBe('10.0.0.6');
  });
  it('refuses an address the interface does not have', () => {
    expect(codeOf(() => chooseAssociationAddress(eni, ['10.0.0.5'], '10.0.0.7'))).toBe('InvalidParameterValue');
    expect(codeOf(() => chooseAssociationAddress(eni, [], 'not-an-address'))).toBe('InvalidParameterValue');
  });
});
