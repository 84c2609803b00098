import { Injectable } from '@nestjs/common';
import { NetworkingService } from '../../../application/networking/networking.service';
import { MAX_ELASTIC_IPS } from '../../../application/networking/elastic-ips.service';
import { REGION } from '@nimbus/hypervisor';
import { ApiError } from '../../../application/common/api-errors';
import { Ec2Actions, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { filterMatcher } from '../ec2-filters';
import { ZONE_IDS } from '../availability-zones';

interface Zone {
  readonly zoneName: string;
  readonly zoneId: string;
}

const ZONES: readonly Zone[] = [...ZONE_IDS].map(([zoneName, zoneId]) => ({ zoneName, zoneId }));

/** The region Nimbus simulates, its zones and the account's attributes. */
@Injectable()
export class RegionsEc2Actions implements Ec2ActionSource {
  constructor(private readonly networking: NetworkingService) {}

  readonly actions: Ec2Actions = {
    DescribeRegions: {
      operation: 'DescribeRegions',
      params: ['RegionName', 'Filter', 'AllRegions'],
      handler: async (_ctx, p) => {
        const names = p.list('RegionName');
        p.bool('AllRegions');
        const unknown = names.find((n) => n !== REGION);
        if (unknown) throw new ApiError('InvalidParameterValue', `Invalid region: '${unknown.slice(0, 64)}' (Nimbus simulates ${REGION})`);
        const region = { regionName: REGION, regionEndpoint: `ec2.${REGION}.amazonaws.com`, optInStatus: 'opt-in-not-required' };
        const match = filterMatcher(p.filters(), { 'region-name': (r: typeof region) => r.regionName, endpoint: (r) => r.regionEndpoint, 'opt-in-status': (r) => r.optInStatus });
        return { regionInfo: items([region].filter(match)) };
      },
    },
    DescribeAvailabilityZones: {
      operation: 'DescribeAvailabilityZones',
      params: ['ZoneName', 'ZoneId', 'Filter', 'AllAvailabilityZones'],
      handler: async (_ctx, p) => {
        const names = p.list('ZoneName');
        const ids = p.list('ZoneId');
        p.bool('AllAvailabilityZones');
        for (const n of names) if (!ZONES.some((z) => z.zoneName === n)) throw new ApiError('InvalidParameterValue', `Invalid availability zone: [${n.slice(0, 64)}]`);
        for (const n of ids) if (!ZONES.some((z) => z.zoneId === n)) throw new ApiError('InvalidParameterValue', `Invalid availability zone ID: [${n.slice(0, 64)}]`);
        const match = filterMatcher(p.filters(), {
          'zone-name': (z: Zone) => z.zoneName, 'zone-id': (z) => z.zoneId, 'region-name': () => REGION, state: () => 'available',
          'zone-type': () => 'availability-zone', 'opt-in-status': () => 'opt-in-not-required', 'group-name': () => REGION,
          // Availability Zones have no parent zone (Local and Wavelength Zones do), and Nimbus's zones carry no messages: these match none.
          message: () => undefined, 'parent-zone-id': () => undefined, 'parent-zone-name': () => undefined,
        });
        const zones = ZONES.filter((z) => (names.length === 0 || names.includes(z.zoneName)) && (ids.length === 0 || ids.includes(z.zoneId)) && match(z));
        return {
          availabilityZoneInfo: items(zones.map((z) => ({
            optInStatus: 'opt-in-not-required', zoneName: z.zoneName, zoneId: z.zoneId, zoneState: 'available', regionName: REGION,
            groupName: REGION, networkBorderGroup: REGION, zoneType: 'availability-zone', messageSet: items([]),
          }))),
        };
      },
    },
    DescribeAccountAttributes: {
      operation: 'DescribeAccountAttributes',
      params: ['AttributeName'],
      handler: async (ctx, p) => {
        const all: Record<string, string[]> = {
          'supported-platforms': ['VPC'],
          'default-vpc': [(await this.networking.defaultVpcId(ctx.tenant)) ?? 'none'],
          'max-instances': [String(ctx.tenant.quotaOnDemandVcpus)],
          'vpc-max-security-groups-per-interface': ['5'],
          'max-elastic-ips': [String(MAX_ELASTIC_IPS)],
          'vpc-max-elastic-ips': [String(MAX_ELASTIC_IPS)],
        };
        const asked = p.list('AttributeName');
        for (const a of asked) if (!(a in all)) throw new ApiError('InvalidParameterValue', `Invalid attribute name: '${a.slice(0, 64)}' (one of ${Object.keys(all).join(', ')})`);
        const names = asked.length > 0 ? asked : Object.keys(all);
        return { accountAttributeSet: items(names.map((attributeName) => ({ attributeName, attributeValueSet: items(all[attributeName].map((attributeValue) => ({ attributeValue }))) }))) };
      },
    },
  };
}
