import { InstanceType, Tenancy } from '@nimbus/hypervisor';

/**
 * Tenancy as an index key (docs/model.md §4). Every host is in exactly one class, and each request
 * reads only the classes its tenancy may use, so tenancy filters hosts without visiting them:
 * - `empty`: no VM and no owner: anyone may start using it (a dedicated instance makes it its
 *   tenant's; a Dedicated Host allocation takes it whole);
 * - `shared`: holds VMs, none of dedicated tenancy, no owner: default tenancy of any tenant;
 * - `dedicated:<tenant>`: holds a dedicated-tenancy VM of that tenant, so only that tenant's VMs
 *   (of either tenancy) may join it;
 * - `host:<tenant>:auto|manual:<family|*>:<type|*>`: a Dedicated Host allocated to that tenant,
 *   with auto-placement on or off, for one instance family or one instance type (as EC2 allocates
 *   them; `*` when the allocation named neither); only that tenant's `host` tenancy instances of
 *   that family or type land there.
 *
 * A dedicated instance goes to an empty host or to one already dedicated to its tenant; it does
 * not take over a shared host that happens to hold only its tenant's default instances, which
 * would turn that host dedicated and shut other tenants out of it behind their back.
 */
export const EMPTY_CLASS = 'empty';
export const SHARED_CLASS = 'shared';
export const dedicatedClass = (tenantId: string): string => `dedicated:${tenantId}`;
export const dedicatedHostClass = (tenantId: string, autoPlacement: boolean, instanceFamily?: string, instanceType?: string): string =>
  `host:${tenantId}:${autoPlacement ? 'auto' : 'manual'}:${instanceFamily ?? '*'}:${instanceType ?? '*'}`;

/** The classes a request may use (a named Dedicated Host is checked directly, not through these). */
export function classesFor(tenancy: Tenancy, tenantId: string, instanceType?: InstanceType): string[] {
  switch (tenancy) {
    case 'default':
      return [EMPTY_CLASS, SHARED_CLASS, dedicatedClass(tenantId)];
    case 'dedicated':
      return [EMPTY_CLASS, dedicatedClass(tenantId)];
    case 'host':
      return [
        dedicatedHostClass(tenantId, true),
        ...(instanceType ? [dedicatedHostClass(tenantId, true, instanceType.family), dedicatedHostClass(tenantId, true, instanceType.family, instanceType.name)] : []),
      ];
  }
}
