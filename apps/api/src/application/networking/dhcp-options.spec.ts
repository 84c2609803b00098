import { createHash } from 'node:crypto';
import { errorCodeOf } from '../common/testing/error-code';
import { DEFAULT_DHCP_OPTIONS, dhcpConfiguration, defaultDhcpOptionsId } from './dhcp-options';

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
};

describe('DHCP option set rules', () => {
  it('options by key, as EC2 shows them; several servers in one value split at the commas; names kept as given', () => {
    expect(dhcpConfiguration([
      { key: 'netbios-node-type', values: ['2'] }, { key: 'domain-name-servers', values: ['10.2.5.1,10.2.5.2', ' AmazonProvidedDNS'] },
      { key: 'domain-name', values: ['example.com corp.example.com'] }, { key: 'ntp-servers', values: ['169.254.169.123', 'fd00:ec2::123'] },
    ])).toEqual([
      { key: 'domain-name', values: ['example.com corp.example.com'] },
      { key: 'domain-name-servers', values: ['10.2.5.1', '10.2.5.2', 'AmazonProvidedDNS'] },
      { key: 'netbios-node-type', values: ['2'] },
      { key: 'ntp-servers', values: ['169.254.169.123', 'fd00:ec2::123'] },
    ]);
  });

  it('the account default: ec2.internal and AmazonProvidedDNS, under an id derived from the tenant (as the migration derives it)', () => {
    expect(DEFAULT_DHCP_OPTIONS).toEqual([{ key: 'domain-name', values: ['ec2.internal'] }, { key: 'domain-name-servers', values: ['AmazonProvidedDNS'] }]);
    expect(defaultDhcpOptionsId('t-1')).toBe(`dopt-${createHash('sha256').update('DefaultDhcpOptions\0t-1').digest('hex').slice(0, 17)}`);
    expect(defaultDhcpOptionsId('t-1')).toMatch(/^dopt-[0-9a-f]{17}$/);
    expect(defaultDhcpOptionsId('t-2')).not.toBe(defaultDhcpOptionsId('t-1'));
  });

  it('server counts: four DNS servers, not five; four IPv4 and four IPv6 NTP servers (eight), not a fifth IPv4; four NetBIOS servers', () => {
    const four = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'];
    expect(dhcpConfiguration([{ key: 'domain-name-servers', values: four }])[0].values).toHaveLength(4);
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'domain-name-servers', values: [...four, 'AmazonProvidedDNS'] }]))).toBe('InvalidParameterValue');
    const sixes = ['fd00::1', 'fd00::2', 'fd00::3', 'fd00::4'];
    expect(dhcpConfiguration([{ key: 'ntp-servers', values: [...four, ...sixes] }])[0].values).toHaveLength(8);
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'ntp-servers', values: [...four, '10.0.0.5', ...sixes] }]))).toBe('InvalidParameterValue');
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'ntp-servers', values: [...sixes, 'fd00::5'] }]))).toBe('InvalidParameterValue');
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'netbios-name-servers', values: [four.join(','), '10.0.0.9'] }]))).toBe('InvalidParameterValue');
  });

  it('server values: IPv4 addresses (AmazonProvidedDNS for DNS only; IPv6 for NTP only)', () => {
    expect(messageOf(() => dhcpConfiguration([{ key: 'domain-name-servers', values: ['10.0.0.256'] }]))).toBe(
      'Value (10.0.0.256) for parameter domain-name-servers is invalid. Each value must be an IPv4 address or AmazonProvidedDNS.',
    );
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'domain-name-servers', values: ['fd00::1'] }]))).toBe('InvalidParameterValue');
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'netbios-name-servers', values: ['AmazonProvidedDNS'] }]))).toBe('InvalidParameterValue');
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'ntp-servers', values: ['time.example.com'] }]))).toBe('InvalidParameterValue');
  });

  it('netbios-node-type: 1, 2, 4 or 8, one value', () => {
    for (const t of ['1', '2', '4', '8']) expect(dhcpConfiguration([{ key: 'netbios-node-type', values: [t] }])[0].values).toEqual([t]);
    for (const t of ['3', '0', '16', 'b']) expect(errorCodeOf(() => dhcpConfiguration([{ key: 'netbios-node-type', values: [t] }]))).toBe('InvalidParameterValue');
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'netbios-node-type', values: ['2', '4'] }]))).toBe('InvalidParameterValue');
  });

  it('ipv6-address-preferred-lease-time: 140 to 2,147,483,647 seconds (2^31 - 1), whole', () => {
    expect(dhcpConfiguration([{ key: 'ipv6-address-preferred-lease-time', values: ['140'] }])[0].values).toEqual(['140']);
    expect(dhcpConfiguration([{ key: 'ipv6-address-preferred-lease-time', values: ['2147483647'] }])[0].values).toEqual(['2147483647']);
    for (const v of ['139', '2147483648', '300.5', '-200', '1e3']) {
      expect(errorCodeOf(() => dhcpConfiguration([{ key: 'ipv6-address-preferred-lease-time', values: [v] }]))).toBe('InvalidParameterValue');
    }
  });

  it('domain-name: one value of domain names; bad labels refused', () => {
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'domain-name', values: ['a.com', 'b.com'] }]))).toBe('InvalidParameterValue');
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'domain-name', values: ['-bad.com'] }]))).toBe('InvalidParameterValue');
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'domain-name', values: ['a_b.com'] }]))).toBe('InvalidParameterValue');
    expect(dhcpConfiguration([{ key: 'domain-name', values: ['MyCompany.com'] }])[0].values).toEqual(['MyCompany.com']);
  });

  it('the request: at least one option, known keys, each once, each with a value', () => {
    expect(errorCodeOf(() => dhcpConfiguration([]))).toBe('MissingParameter');
    expect(messageOf(() => dhcpConfiguration([{ key: 'domain-search', values: ['a.com'] }]))).toMatch(/^Value \(domain-search\) for parameter Key is invalid\. Unknown DHCP option/);
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'domain-name', values: ['a.com'] }, { key: 'domain-name', values: ['b.com'] }]))).toBe('InvalidParameterValue');
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'ntp-servers', values: [] }]))).toBe('MissingParameter');
    expect(errorCodeOf(() => dhcpConfiguration([{ key: 'ntp-servers', values: [' , '] }]))).toBe('InvalidParameterValue');
  });
});
