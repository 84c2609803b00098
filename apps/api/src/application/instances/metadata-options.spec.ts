import { findImage } from '@nimbus/hypervisor';
import { changeMetadataOptions, defaultMetadataOptions, metadataOptionsOf } from './metadata-options';

describe('Instance Metadata Service options (EC2 InstanceMetadataOptionsRequest)', () => {
  it("defaults to IMDSv2 optional and one hop, or required and two hops for an image whose ImdsSupport is v2.0 (Amazon Linux 2023's)", () => {
    expect(defaultMetadataOptions(findImage('ami-0b0b0c00000000b24')!)) // Ubuntu: no ImdsSupport
      .toEqual({ httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled', httpProtocolIpv6: 'disabled', instanceMetadataTags: 'disabled' });
    expect(defaultMetadataOptions(findImage('ami-0a1e0c00000000a23')!)) // Amazon Linux 2023
      .toEqual({ httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled', httpProtocolIpv6: 'disabled', instanceMetadataTags: 'disabled' });
    expect(defaultMetadataOptions(findImage('ami-0f0d0c00000000f22')!).httpTokens).toBe('optional'); // Windows Server 2022
  });

  it('changes only the options named, and refuses a value EC2 does not take', () => {
    const base = defaultMetadataOptions({});
    expect(changeMetadataOptions(base, { httpTokens: 'required' })).toEqual({ ...base, httpTokens: 'required' });
    expect(changeMetadataOptions(base, { httpPutResponseHopLimit: 64, instanceMetadataTags: 'enabled', httpEndpoint: 'disabled', httpProtocolIpv6: 'enabled' }))
      .toEqual({ httpTokens: 'optional', httpPutResponseHopLimit: 64, httpEndpoint: 'disabled', httpProtocolIpv6: 'enabled', instanceMetadataTags: 'enabled' });
    expect(changeMetadataOptions(base, {})).toEqual(base);
    for (const bad of [{ httpTokens: 'sometimes' }, { httpPutResponseHopLimit: 0 }, { httpPutResponseHopLimit: 65 }, { httpPutResponseHopLimit: 1.5 }, { httpEndpoint: 'on' }, { instanceMetadataTags: 'yes' }])
      expect(() => changeMetadataOptions(base, bad as never)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
  });

  it("reads a row's stored options, and gives an instance stored before they were kept EC2's plain defaults", () => {
    const required = { httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled', httpProtocolIpv6: 'disabled', instanceMetadataTags: 'disabled' };
    expect(metadataOptionsOf({ metadataOptions: JSON.stringify(required) })).toEqual(required);
    expect(metadataOptionsOf({ metadataOptions: null })).toEqual({ httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled', httpProtocolIpv6: 'disabled', instanceMetadataTags: 'disabled' });
  });
});
