import { SetMetadata } from '@nestjs/common';
import { isOperation } from '../throttling';

export const OPERATION_METADATA = 'nimbus:operation';

/**
 * Names the operation (EC2 action) a tenant route performs: TenantGuard throttles by it, and the
 * EC2 Query protocol names the same operations, so both share one set of buckets.
 */
export function Operation(name: string): MethodDecorator {
  if (!isOperation(name)) throw new Error(`@Operation('${name}'): no such operation in application/throttling/operations.ts`);
  return SetMetadata(OPERATION_METADATA, name);
}
