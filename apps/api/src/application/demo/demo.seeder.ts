import { Inject, Injectable } from '@nestjs/common';
import { AVAILABILITY_ZONES } from '@nimbus/hypervisor';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DemoRepository } from '../../persistence/demo.repository';
import { HostsService } from '../hosts/hosts.service';
import { CredentialsService } from '../credentials/credentials.service';
import { TenantsService } from '../tenants/tenants.service';

/**
 * Per zone: a few dozen hosts over the region: the m5/c5/r5 generation, and one host of each of the
 * families tutorials and test suites launch (t2, m4, c4, the Xen-era m1 and t1, Graviton t4g and
 * m7g, current m7i). Other families' host types exist (GET /v1/admin/host-types): add them.
 */
const DEMO_HOSTS_PER_ZONE: [string, number][] = [
  ['m5-host', 6],
  ['c5-host', 3],
  ['r5-host', 2],
  ['m5-xen-pv-host', 1],
  ['t2-host', 1],
  ['m4-host', 1],
  ['c4-host', 1],
  ['m1-host', 1],
  ['t1-host', 1],
  ['t4g-host', 1],
  ['m7g-host', 1],
  ['m7i-host', 1],
];

/** Seeds the demo region and tenant into an empty database (NIMBUS_DEMO). */
@Injectable()
export class DemoSeeder {
  constructor(
    private readonly repo: DemoRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly hosts: HostsService,
    private readonly tenants: TenantsService,
    private readonly credentials: CredentialsService,
  ) {}

  /** Returns the demo tenant's key and EC2 access key when it seeded them (shown once). */
  async seedIfEmpty(): Promise<{ tenantId: string; key: string; accessKeyId: string; secretAccessKey: string } | undefined> {
    if (!this.config.demo) return undefined;
    if (!(await this.repo.isEmpty())) return undefined;
    for (const zone of AVAILABILITY_ZONES) {
      for (const [hostType, count] of DEMO_HOSTS_PER_ZONE) await this.hosts.add({ hostType, availabilityZone: zone, count });
    }
    const { tenant, apiKey } = await this.tenants.create({ name: 'demo', quotas: { onDemandVcpus: 256, provisionedIops: 200_000 } });
    const accessKey = await this.credentials.create({ tenantId: tenant.id });
    return { tenantId: tenant.id, key: apiKey.key, accessKeyId: accessKey.accessKeyId, secretAccessKey: accessKey.secretAccessKey };
  }
}
