import { QueryParams } from '../ec2-params';
import { privateIpSpecs } from './networking.actions';
import { errorCodeOf } from '../../../application/common/testing/error-code';

const params = (entries: Record<string, string>) => new QueryParams(new Map(Object.entries(entries)));
const codeOf = errorCodeOf;

describe('privateIpSpecs: PrivateIpAddress and PrivateIpAddresses.N as a primary and secondaries', () => {
  it('the one marked Primary is the primary, the others secondaries, in order', () => {
    expect(privateIpSpecs(params({
      'PrivateIpAddresses.1.PrivateIpAddress': '10.0.0.9', 'PrivateIpAddresses.1.Primary': 'true',
      'PrivateIpAddresses.2.PrivateIpAddress': '10.0.0.11', 'PrivateIpAddresses.3.PrivateIpAddress': '10.0.0.10', 'PrivateIpAddresses.3.Primary': 'false',
    }))).toEqual({ primary: '10.0.0.9', secondaries: ['10.0.0.11', '10.0.0.10'] });
  });

  it('none marked: all secondaries, the primary from PrivateIpAddress or none', () => {
    expect(privateIpSpecs(params({ 'PrivateIpAddresses.1.PrivateIpAddress': '10.0.0.9' }))).toEqual({ secondaries: ['10.0.0.9'] });
    expect(privateIpSpecs(params({ PrivateIpAddress: '10.0.0.4', 'PrivateIpAddresses.1.PrivateIpAddress': '10.0.0.9' }))).toEqual({ primary: '10.0.0.4', secondaries: ['10.0.0.9'] });
  });

  it('two primaries are refused: two marked (InvalidParameterValue), or marked and PrivateIpAddress differing (InvalidParameterCombination)', () => {
    expect(codeOf(() => privateIpSpecs(params({
      'PrivateIpAddresses.1.PrivateIpAddress': '10.0.0.9', 'PrivateIpAddresses.1.Primary': 'true',
      'PrivateIpAddresses.2.PrivateIpAddress': '10.0.0.10', 'PrivateIpAddresses.2.Primary': 'true',
    })))).toBe('InvalidParameterValue');
    expect(codeOf(() => privateIpSpecs(params({ PrivateIpAddress: '10.0.0.4', 'PrivateIpAddresses.1.PrivateIpAddress': '10.0.0.9', 'PrivateIpAddresses.1.Primary': 'true' })))).toBe('InvalidParameterCombination');
    expect(privateIpSpecs(params({ PrivateIpAddress: '10.0.0.9', 'PrivateIpAddresses.1.PrivateIpAddress': '10.0.0.9', 'PrivateIpAddresses.1.Primary': 'true' }))).toEqual({ primary: '10.0.0.9', secondaries: [] });
  });

  it('an entry without its address is MissingParameter', () => {
    expect(codeOf(() => privateIpSpecs(params({ 'PrivateIpAddresses.1.Primary': 'true' })))).toBe('MissingParameter');
  });
});
