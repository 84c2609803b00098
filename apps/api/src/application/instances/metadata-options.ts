import type { Image } from '@nimbus/hypervisor';
import { invalidParameter } from '../common/api-errors';

/**
 * An instance's Instance Metadata Service options (EC2's `InstanceMetadataOptionsRequest` and
 * `InstanceMetadataOptionsResponse`, EC2 API Reference): whether IMDSv2's session tokens are
 * required, how many network hops the token's PUT response may travel, whether the endpoint (and
 * its IPv6 address) answers, and whether the instance's tags are in its metadata.
 */
export interface MetadataOptions {
  readonly httpTokens: 'optional' | 'required';
  /** 1 to 64. */
  readonly httpPutResponseHopLimit: number;
  readonly httpEndpoint: 'enabled' | 'disabled';
  readonly httpProtocolIpv6: 'enabled' | 'disabled';
  readonly instanceMetadataTags: 'enabled' | 'disabled';
}

/** What RunInstances' `MetadataOptions` or ModifyInstanceMetadataOptions asks: each option or not. */
export type MetadataOptionsChange = Partial<MetadataOptions>;

/**
 * The options of an instance launched from `image`, before the request changes them (EC2's
 * defaults, "InstanceMetadataOptionsRequest"): IMDSv2 optional and a hop limit of 1, unless the
 * image's `ImdsSupport` is `v2.0` (Amazon Linux 2023's AMIs), whose instances require IMDSv2 with a
 * hop limit of 2 ("ImdsSupport", EC2 API Reference: "Instances launched from this AMI will have
 * HttpTokens automatically set to required … In addition, HttpPutResponseHopLimit is set to 2").
 * The endpoint is enabled, its IPv6 address and the tags in metadata disabled. (EC2's account-level
 * defaults, ModifyInstanceMetadataDefaults, are not simulated: the account has no preference.)
 */
export function defaultMetadataOptions(image: Pick<Image, 'imdsSupport'>): MetadataOptions {
  const v2 = image.imdsSupport === 'v2.0';
  return { httpTokens: v2 ? 'required' : 'optional', httpPutResponseHopLimit: v2 ? 2 : 1, httpEndpoint: 'enabled', httpProtocolIpv6: 'disabled', instanceMetadataTags: 'disabled' };
}

/** The options of an instance stored before they were kept (what it was shown then: EC2's plain defaults). */
export const STORED_BEFORE_OPTIONS: MetadataOptions = defaultMetadataOptions({});

/** `current` with the change applied; each value checked as EC2 checks it (`InvalidParameterValue`). */
export function changeMetadataOptions(current: MetadataOptions, change: MetadataOptionsChange): MetadataOptions {
  const oneOf = <T extends string>(name: string, value: T | undefined, allowed: readonly T[]): T | undefined => {
    if (value !== undefined && !allowed.includes(value)) throw invalidParameter(`Value (${value}) for parameter ${name} is invalid. Valid values: ${allowed.join(', ')}.`);
    return value;
  };
  const hops = change.httpPutResponseHopLimit;
  if (hops !== undefined && !(Number.isInteger(hops) && hops >= 1 && hops <= 64))
    throw invalidParameter(`Value (${hops}) for parameter HttpPutResponseHopLimit is invalid. It must be an integer from 1 to 64.`);
  return {
    httpTokens: oneOf('HttpTokens', change.httpTokens, ['optional', 'required']) ?? current.httpTokens,
    httpPutResponseHopLimit: hops ?? current.httpPutResponseHopLimit,
    httpEndpoint: oneOf('HttpEndpoint', change.httpEndpoint, ['enabled', 'disabled']) ?? current.httpEndpoint,
    httpProtocolIpv6: oneOf('HttpProtocolIpv6', change.httpProtocolIpv6, ['enabled', 'disabled']) ?? current.httpProtocolIpv6,
    instanceMetadataTags: oneOf('InstanceMetadataTags', change.instanceMetadataTags, ['enabled', 'disabled']) ?? current.instanceMetadataTags,
  };
}

/** An instance row's options (`metadata_options`, JSON; null for one stored before they were kept). */
export function metadataOptionsOf(row: { readonly metadataOptions: string | null }): MetadataOptions {
  return row.metadataOptions === null ? STORED_BEFORE_OPTIONS : (JSON.parse(row.metadataOptions) as MetadataOptions);
}
