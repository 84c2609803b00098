import { Image } from '@nimbus/hypervisor';
import { ApiError, notFound } from '../common/api-errors';
import { checkEc2Id } from '../common/ids';
import { EngineService } from '../../engine/engine.service';

export const imageNotFound = (id: string) => notFound('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);

/** Malformed: InvalidAMIID.Malformed, as EC2 answers before it looks. */
export function checkImageId(id: string): void {
  checkEc2Id('InvalidAMIID.Malformed', 'ami', id);
}

/**
 * The image a tenant's launch may use (the one rule, for REST and EC2 launches alike): known, not
 * deregistered, public or its own (another tenant's is InvalidAMIID.NotFound, as a missing one),
 * and available (a pending one is InvalidAMIID.Unavailable, as EC2 answers).
 */
export function launchableImage(engine: EngineService, tenantId: string, imageId: string): Image {
  const image = engine.world.catalog.launchableImage(imageId);
  if (!image || (image.ownerTenantId !== undefined && image.ownerTenantId !== tenantId)) throw imageNotFound(imageId);
  if (image.availableFromMs !== undefined && engine.now < image.availableFromMs)
    throw new ApiError('InvalidAMIID.Unavailable', `The image '${imageId}' is pending and cannot be launched until it is available`);
  return image;
}

