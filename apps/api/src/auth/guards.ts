import { CanActivate, createParamDecorator, ExecutionContext, Injectable, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Request } from 'express';
import { ApiError, authFailure, unauthorized } from '../common/api-errors';
import { MUTATING, NON_MUTATING, RequestThrottle } from '../common/throttle';
import { TenantEntity } from '../database/entities';
import { AuthService } from './auth.service';
import { bearerToken } from './key-hash';

type AuthedRequest = Request & { tenant?: TenantEntity };

/** Authenticates a tenant and applies EC2's per-tenant, per-action request throttling. */
@Injectable()
export class TenantGuard implements CanActivate {
  private readonly throttle = new RequestThrottle();

  constructor(private readonly auth: AuthService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const caller = await this.auth.identify(bearerToken(req.headers.authorization));
    if (caller.kind === 'unknown') throw authFailure();
    if (caller.kind === 'admin') throw unauthorized('Tenant routes take a tenant API key, not the admin key.');
    const action = `${ctx.getClass().name}.${ctx.getHandler().name}`;
    const waitSeconds = this.throttle.take(`${caller.tenant.id}:${action}`, req.method === 'GET' ? NON_MUTATING : MUTATING);
    if (waitSeconds > 0) {
      ctx.switchToHttp().getResponse().setHeader('Retry-After', String(waitSeconds));
      throw new ApiError('RequestLimitExceeded', `Request limit exceeded for ${action}; retry after ${waitSeconds} s.`);
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

export const TenantAuth = () => applyDecorators(UseGuards(TenantGuard), ApiBearerAuth());
export const AdminAuth = () => applyDecorators(UseGuards(AdminGuard), ApiBearerAuth());

/** The calling tenant, resolved by TenantGuard. */
export const CurrentTenant = createParamDecorator((_: unknown, ctx: ExecutionContext): TenantEntity => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().tenant!;
});
