import { LicenseCountingType } from '@nimbus/scheduler';
import { CreateLicenseConfigurationCommand } from '../../../application/licenses/licenses.commands';
import { LicenseConfigurationState } from '../../../application/licenses/licenses.service';
import { CreateLicenseConfigurationDto } from './license.dto';

export const toCreateLicenseConfigurationCommand = (dto: CreateLicenseConfigurationDto): CreateLicenseConfigurationCommand => ({
  name: dto.name, countingType: dto.countingType as LicenseCountingType, limit: dto.limit, hardLimit: dto.hardLimit,
});

/** API.md's license configuration. */
export function mapLicenseConfiguration(s: LicenseConfigurationState) {
  const c = s.configuration;
  return {
    licenseConfigurationId: c.id,
    name: c.name,
    countingType: c.countingType,
    limit: c.limit,
    hardLimit: c.hardLimit,
    consumedLicenses: s.consumedLicenses,
    limitExceeded: s.limitExceeded,
    status: 'AVAILABLE',
    usage: s.usage,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}
