import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, UseGuards, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { RequestThrottle } from '../../../application/throttling';
import { ApiError, authFailure, unauthorized } from '../../../application/common/api-errors';
import { TenantEntity } from '../../../persistence/entities';
import { AuthService } from '../../../application/auth/auth.service';
import { OPERATION_METADATA } from '../../../application/auth/operation';
import { ApiErrors } from '../openapi/api-errors';
import { KnownQueryParamsGuard } from '../query-params.guard';

type AuthedRequest = FastifyRequest & { tenant?: TenantEntity };

/** The key of an `Authorization: Bearer <key>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** EC2's "filtered or paginated" for a REST request: any query parameter, or an id in the path. */
const filteredOrPaginated = (req: FastifyRequest): boolean => Object.keys(req.query ?? {}).length > 0 || Object.keys(req.params ?? {}).length > 0;

/**
 * What a remembered refusal is filed under (RequestThrottle.remember): the caller's key, the route
 * and whether the request filters, which together decide the bucket. Computable as soon as the
 * request is routed, before its body is read or anything of Nest runs (`registerRequestHooks`).
 */
export function refusalKey(req: FastifyRequest, key: string): string {
  return `${key}\u0000${req.method}\u0000${req.routeOptions.url ?? ''}\u0000${filteredOrPaginated(req) ? 1 : 0}`;
}

/** Operations whose resource bucket counts the instances a request affects, read from the request. */
const RESOURCE_COUNT: Readonly<Record<string, (req: FastifyRequest) => number>> = {
  // As many instances as it may launch: maxCount (EC2 launches at most that many), 1 by default.
  RunInstances: (req) => {
    const n = (req.body as { maxCount?: unknown } | undefined)?.maxCount;
    return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : 1;
  },
  // The REST routes act on one instance.
  StartInstances: () => 1,
  StopInstances: () => 1,
  TerminateInstances: () => 1,
};

/**
 * Authenticates a tenant, then applies EC2's request throttling for the route's operation
 * (`@Operation`): its request bucket, the smaller "unfiltered and unpaginated" one for a Describe
 * with neither filter nor page (REST: no query parameter and no id in the path), and the
 * resource bucket of Run/Start/Stop/TerminateInstances.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly throttle: RequestThrottle,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const operation = this.reflector.get<string | undefined>(OPERATION_METADATA, ctx.getHandler());
    if (!operation) throw new Error(`${ctx.getClass().name}.${ctx.getHandler().name} names no @Operation`); // start-up refuses this already
    const key = bearerToken(req.headers.authorization);
    const caller = await this.auth.identify(key);
    if (caller.kind === 'unknown') throw authFailure();
    if (caller.kind === 'admin') throw unauthorized('Tenant routes take a tenant API key, not the admin key.');
    const decision = this.throttle.take({
      tenantId: caller.tenant.id,
      operation,
      filteredOrPaginated: filteredOrPaginated(req),
      resourceCount: RESOURCE_COUNT[operation]?.(req),
      limits: caller.tenant.requestLimits ?? undefined,
    });
    if (!decision.allowed) {
      // The same key on the same route is refused at the door until the bucket refills (server.ts).
      this.throttle.remember(refusalKey(req, key!), decision);
      if (decision.retryAfterSeconds !== undefined) void ctx.switchToHttp().getResponse<FastifyReply>().header('Retry-After', String(decision.retryAfterSeconds));
      throw new ApiError('RequestLimitExceeded', decision.message);
    }
    const refund = decision.refundResources;
    if (refund) {
      // A request that fails affects no instance: its resource tokens come back once it is answered.
      const reply = ctx.switchToHttp().getResponse<FastifyReply>();
      reply.raw.once('finish', () => {
        if (reply.raw.statusCode >= 400) refund();
      });
    }
    req.tenant = caller.tenant;
    return true;
  }
}

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const caller = await this.auth.identify(bearerToken(req.headers.authorization));
    if (caller.kind === 'unknown') throw authFailure();
    if (caller.kind !== 'admin') throw unauthorized('Admin routes take the admin key.');
    return true;
  }
}

/**
 * A tenant route: a tenant key (401 without one, 403 with the admin key) and EC2's throttling
 * (429), then no query parameter the route does not take (400).
 */
export const TenantAuth = () =>
  applyDecorators(UseGuards(TenantGuard, KnownQueryParamsGuard), ApiBearerAuth(), ApiErrors('AuthFailure', { code: 'UnauthorizedOperation', message: 'Tenant routes take a tenant API key, not the admin key.' }, 'RequestLimitExceeded'));
/** An admin route: the admin key (401 without a known key, 403 with a tenant's), then no query parameter the route does not take (400). */
export const AdminAuth = () => applyDecorators(UseGuards(AdminGuard, KnownQueryParamsGuard), ApiBearerAuth(), ApiErrors('AuthFailure', { code: 'UnauthorizedOperation', message: 'Admin routes take the admin key.' }));

/** The calling tenant, resolved by TenantGuard. */
export const CurrentTenant = createParamDecorator((_: unknown, ctx: ExecutionContext): TenantEntity => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().tenant!;
});
