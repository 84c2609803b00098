import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { FastifyRequest } from 'fastify';
import { ApiError } from '../../application/common/api-errors';

/**
 * The query parameters a route takes, from its handler's own declaration: `@Query('name')`
 * arguments name them; a whole `@Query()` object is the route's to check (its DTO, under the
 * global validation pipe's `forbidNonWhitelisted`, or its own parsing). Undefined in that case.
 */
function declaredQueryParams(controller: object, handler: string): ReadonlySet<string> | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<string, { data?: unknown }>;
  const names = new Set<string>();
  for (const [key, arg] of Object.entries(args)) {
    if (Number(key.split(':', 1)[0]) !== RouteParamtypes.QUERY) continue;
    if (typeof arg.data !== 'string') return undefined;
    names.add(arg.data);
  }
  return names;
}

/**
 * A REST route refuses query parameters it does not take (400 ValidationError, as an unknown
 * body field is), so a typo or junk is never silently ignored: `PUT /v1/admin/scheduler?ratio=2`
 * must not answer 200 having changed something else. Routes with a query DTO are checked by the
 * validation pipe already; this covers the routes without one. The EC2 endpoint (`/`) reads its
 * query string itself.
 *
 * A guard that runs after the route's authentication and throttling guard (TenantAuth, AdminAuth
 * in auth/guards.ts): a stranger's request is a 401 and a throttled one a 429 before its query is
 * looked at. (It was a global interceptor: Nest then ran every request through its interceptor
 * chain, an rxjs pipeline and an AsyncResource per request, about 5 % of a request's CPU.)
 */
@Injectable()
export class KnownQueryParamsGuard implements CanActivate {
  private readonly declared = new Map<string, ReadonlySet<string> | undefined>();

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const given = Object.keys((req.query ?? {}) as object);
    if (given.length > 0 && req.url.startsWith('/v1/')) {
      const key = `${ctx.getClass().name}.${ctx.getHandler().name}`;
      if (!this.declared.has(key)) this.declared.set(key, declaredQueryParams(ctx.getClass(), ctx.getHandler().name));
      const allowed = this.declared.get(key);
      const unknown = allowed && given.filter((name) => !allowed.has(name));
      if (unknown && unknown.length > 0)
        throw new ApiError('ValidationError', `unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n.slice(0, 100)}'`).join(', ')}${allowed.size > 0 ? ` (this route takes ${[...allowed].join(', ')})` : ' (this route takes none)'}`);
    }
    return true;
  }
}
