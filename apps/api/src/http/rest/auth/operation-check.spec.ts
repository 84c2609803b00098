import { Controller, Get, Post } from '@nestjs/common';
import { CONTROLLERS } from '../../../app.module';
import { TenantAuth } from './guards';
import { Operation, OPERATION_METADATA } from '../../../application/auth/operation';
import { assertEveryTenantRouteHasAnOperation, tenantRoutesWithoutOperation } from './operation-check';

describe('every tenant route names its operation', () => {
  it('holds for the application: no tenant route goes unthrottled', () => {
    expect(tenantRoutesWithoutOperation(CONTROLLERS)).toEqual([]);
  });

  it('names routes by their EC2 action', () => {
    const op = (controller: string, method: string) => {
      const c = CONTROLLERS.find((x) => x.name === controller)!;
      return Reflect.getMetadata(OPERATION_METADATA, (c.prototype as unknown as Record<string, object>)[method]);
    };
    expect([op('InstancesController', 'run'), op('InstancesController', 'list'), op('InstancesController', 'terminate'), op('VolumesController', 'attach')])
      .toEqual(['RunInstances', 'DescribeInstances', 'TerminateInstances', 'AttachVolume']);
  });

  it('refuses to start with a tenant route that names none, and names it', () => {
    @TenantAuth()
    @Controller('v1/things')
    class ThingsController {
      @Get() @Operation('DescribeHosts') list() {}
      @Post() create() {}
    }
    expect(tenantRoutesWithoutOperation([ThingsController])).toEqual(['ThingsController.create']);
    expect(() => assertEveryTenantRouteHasAnOperation([...CONTROLLERS, ThingsController])).toThrow(/ThingsController\.create/);
  });

  it('refuses an operation that is not in the registry when the route is declared', () => {
    expect(() => Operation('LaunchRockets')).toThrow(/LaunchRockets/);
  });
});
