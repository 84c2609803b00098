import { errorCodeOf } from '../common/testing/error-code';
import { defaultVpcAttributes, givesPublicDnsNames, vpcAttributeChange, VpcAttributes } from './vpc-attributes';

/** The facts here are the VPC User Guide's ("DNS attributes for your VPC") and the EC2 API reference's (ModifyVpcAttribute). */
describe('VPC attributes', () => {
  const codeOf = (f: () => unknown): string => errorCodeOf(f) ?? 'no error';

  it("EC2's defaults: a default VPC has DNS support and hostnames, a VPC made with CreateVpc support only; usage metrics off in both", () => {
    expect(defaultVpcAttributes(true)).toEqual({ enableDnsSupport: true, enableDnsHostnames: true, enableNetworkAddressUsageMetrics: false });
    expect(defaultVpcAttributes(false)).toEqual({ enableDnsSupport: true, enableDnsHostnames: false, enableNetworkAddressUsageMetrics: false });
  });

  it('public DNS names only with both DNS support and DNS hostnames on', () => {
    expect(givesPublicDnsNames({ enableDnsSupport: true, enableDnsHostnames: true })).toBe(true);
    expect(givesPublicDnsNames({ enableDnsSupport: true, enableDnsHostnames: false })).toBe(false);
    expect(givesPublicDnsNames({ enableDnsSupport: false, enableDnsHostnames: true })).toBe(false);
    expect(givesPublicDnsNames({ enableDnsSupport: false, enableDnsHostnames: false })).toBe(false);
  });

  describe('a change (ModifyVpcAttribute)', () => {
    const made: VpcAttributes = defaultVpcAttributes(false);
    it('names exactly one attribute: none is MissingParameter, two are InvalidParameterCombination with EC2\'s words', () => {
      expect(codeOf(() => vpcAttributeChange(made, {}))).toBe('MissingParameter');
      expect(() => vpcAttributeChange(made, { enableDnsSupport: true, enableDnsHostnames: true }))
        .toThrow('Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames');
      expect(codeOf(() => vpcAttributeChange(made, { enableDnsHostnames: false, enableNetworkAddressUsageMetrics: true }))).toBe('InvalidParameterCombination');
    });
    it('is the one attribute asked, false as well as true', () => {
      expect(vpcAttributeChange(made, { enableDnsHostnames: true })).toEqual({ enableDnsHostnames: true });
      expect(vpcAttributeChange(made, { enableDnsSupport: false })).toEqual({ enableDnsSupport: false });
      expect(vpcAttributeChange(made, { enableNetworkAddressUsageMetrics: true })).toEqual({ enableNetworkAddressUsageMetrics: true });
    });
    it('turns DNS hostnames on only where DNS support is on; turning support off, or hostnames off, is allowed', () => {
      const noSupport = { ...made, enableDnsSupport: false };
      expect(codeOf(() => vpcAttributeChange(noSupport, { enableDnsHostnames: true }))).toBe('InvalidParameterValue');
      expect(vpcAttributeChange(noSupport, { enableDnsHostnames: false })).toEqual({ enableDnsHostnames: false });
      expect(vpcAttributeChange(defaultVpcAttributes(true), { enableDnsSupport: false })).toEqual({ enableDnsSupport: false });
    });
  });
});
