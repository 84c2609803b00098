import { CanActivate, createParamDecorator, ExecutionContext, Injectable, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Request } from 'express';
import { authFailure, unauthorized } from '../common/api-errors';
import { TenantEntity } from '../database/entities';
import { AuthService } from './auth.service';
import { bearerToken } from './key-hash';

type AuthedRequest = Request & { tenant?: TenantEntity };

@Injectable()
export class TenantGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const caller = await this.auth.identify(bearerToken(req.headers.authorization));
    if (caller.kind === 'unknown') throw authFailure();
    if (caller.kind === 'admin') throw unauthorized('Tenant routes take a tenant API key, not the admin key.');
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
