import { Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { TenantGuard } from './guards';
import { OPERATION_METADATA } from '../../../application/auth/operation';

/** The routes guarded by TenantGuard that name no operation ("Class.method"): must be none. */
export function tenantRoutesWithoutOperation(controllers: readonly Type[]): string[] {
  const missing: string[] = [];
  for (const controller of controllers) {
    const classGuards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, controller) ?? [];
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      if (name === 'constructor') continue;
      const handler = controller.prototype[name];
      if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const guards: unknown[] = [...classGuards, ...(Reflect.getMetadata(GUARDS_METADATA, handler) ?? [])];
      if (guards.includes(TenantGuard) && !Reflect.getMetadata(OPERATION_METADATA, handler)) missing.push(`${controller.name}.${name}`);
    }
  }
  return missing;
}

/** Fails start-up when a tenant route names no operation: it would otherwise go unthrottled. */
export function assertEveryTenantRouteHasAnOperation(controllers: readonly Type[]): void {
  const missing = tenantRoutesWithoutOperation(controllers);
  if (missing.length > 0) throw new Error(`Tenant routes without @Operation (they would go unthrottled): ${missing.join(', ')}`);
}
