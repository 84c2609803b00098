import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import {
  EventsPageResponseDto, FleetHeatmapResponseDto, FleetUtilizationResponseDto, ZoneAvailabilityResponseDto, HostDetailResponseDto, InstanceMetricsResponseDto, MigrationResponseDto, RebalancerConfigResponseDto,
  SchedulerConfigResponseDto, WorkloadResponseDto,
} from './vmm-response.dto';
import { AdminAuth, CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { invalidParameter } from '../../../application/common/api-errors';
import { TenantEntity } from '../../../persistence/entities';
import { VmmService } from '../../../application/vmm/vmm.service';
import { MetricsWindowQuery } from '../../../application/vmm/vmm.commands';
import { mapEventsPage, mapFleetHeatmap, mapZoneAvailability, mapFleetUtilization, mapHostDetail, mapInstanceMetrics, mapMigration, mapWorkload } from './vmm.mapper';

const WindowDoc = () =>
  applyDecorators(
    ApiQuery({ name: 'from', required: false, description: 'ISO 8601 simulated time (default: an hour before `to`)' }),
    ApiQuery({ name: 'to', required: false, description: 'ISO 8601 simulated time (default: now)' }),
    ApiQuery({ name: 'period', required: false, description: 'seconds per point, a multiple of 60; at most 1,440 points' }),
  );
const windowOf = (q: Record<string, unknown>): MetricsWindowQuery => ({ from: q.from, to: q.to, period: q.period });

@ApiTags('instances: workload and metrics')
@TenantAuth()
@Controller('v1/instances')
export class InstanceVmmController {
  constructor(private readonly vmm: VmmService) {}

  @ApiOkResponse({ type: WorkloadResponseDto, description: 'The workload now in force' })
  @ApiErrors({ code: 'InvalidParameterValue', message: "cpu.model must be one of constant, diurnal, trace, random-walk" }, 'InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound', 'InvalidVolume.NotFound')
  @Operation('PutInstanceWorkload')
  @Put(':id/workload')
  @ApiBody({
    description: 'What the guest does from now on (simulated time); each part is optional and an omitted part keeps its value.',
    schema: { example: { cpu: { model: 'constant', cores: 1.5 }, memory: { workingSetMiB: 3000, dirtyRateMiBps: 50 }, network: [{ to: 'internet', mbps: 200 }] } },
  })
  async putWorkload(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string, @Body() body: unknown) {
    return mapWorkload(await this.vmm.putWorkload(tenant, { instanceId: id, workload: body }));
  }

  @ApiOkResponse({ type: WorkloadResponseDto })
  @ApiErrors('InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound')
  @Operation('GetInstanceWorkload')
  @Get(':id/workload')
  async getWorkload(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapWorkload(await this.vmm.getWorkload(tenant, { instanceId: id }));
  }

  @ApiOkResponse({ type: InstanceMetricsResponseDto })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'period must be a multiple of 60 seconds, got 61' }, 'InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound')
  @Operation('GetInstanceMetrics')
  @Get(':id/metrics')
  @WindowDoc()
  async metrics(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string, @Query() q: Record<string, unknown>) {
    return mapInstanceMetrics(await this.vmm.instanceMetrics(tenant, { instanceId: id, ...windowOf(q) }));
  }

  @ApiOkResponse({ type: EventsPageResponseDto })
  @ApiErrors('InvalidPaginationToken', 'InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound')
  @Operation('GetInstanceEvents')
  @Get(':id/events')
  @ApiQuery({ name: 'maxResults', required: false }) @ApiQuery({ name: 'nextToken', required: false })
  async events(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string, @Query() q: Record<string, unknown>) {
    return mapEventsPage(await this.vmm.instanceEvents(tenant, { instanceId: id, maxResults: q.maxResults, nextToken: q.nextToken }));
  }
}

@ApiTags('admin: fleet')
@AdminAuth()
@Controller('v1/admin')
export class AdminVmmController {
  constructor(private readonly vmm: VmmService) {}

  @ApiOkResponse({ type: HostDetailResponseDto })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'period must be a multiple of 60 seconds, got 61' }, 'InvalidHostID.NotFound')
  @Get('hosts/:id')
  @WindowDoc()
  async host(@Param('id') id: string, @Query() q: Record<string, unknown>) {
    return mapHostDetail(await this.vmm.host({ hostId: id, ...windowOf(q) }));
  }

  @ApiOkResponse({ type: HostDetailResponseDto })
  @ApiErrors({ code: 'InvalidParameterValue', message: "component must be 'host' or 'driver-domain'" }, 'InvalidHostID.NotFound', 'IncorrectHostState')
  @Post('hosts/:id/fail') @HttpCode(200)
  @ApiBody({ required: false, schema: { example: { component: 'host' }, description: "`host` (default) or `driver-domain`" } })
  async fail(@Param('id') id: string, @Body() body: Record<string, unknown>) {
    const keys = Object.keys(body ?? {});
    if (keys.some((k) => k !== 'component')) throw invalidParameter(`unknown field(s): ${keys.filter((k) => k !== 'component').join(', ')}`);
    const component = body?.component ?? 'host';
    if (component !== 'host' && component !== 'driver-domain') throw invalidParameter("component must be 'host' or 'driver-domain'");
    return mapHostDetail(await this.vmm.failHost({ hostId: id, component }));
  }

  @ApiOkResponse({ type: HostDetailResponseDto })
  @ApiErrors('InvalidHostID.NotFound', 'IncorrectHostState')
  @Post('hosts/:id/repair') @HttpCode(200)
  async repair(@Param('id') id: string) {
    return mapHostDetail(await this.vmm.repairHost({ hostId: id }));
  }

  @ApiOkResponse({ type: HostDetailResponseDto })
  @ApiErrors('InvalidHostID.NotFound', 'IncorrectHostState')
  @Post('hosts/:id/drain') @HttpCode(200)
  async drain(@Param('id') id: string) {
    return mapHostDetail(await this.vmm.drainHost({ hostId: id }));
  }

  @ApiOkResponse({ type: HostDetailResponseDto })
  @ApiErrors('InvalidHostID.NotFound', 'IncorrectHostState')
  @Post('hosts/:id/power-off') @HttpCode(200)
  @ApiOperation({ summary: 'Switch an empty, available host off (docs/model.md §3.9): it draws no power and takes no instances. 409 IncorrectHostState if it runs instances (drain it first) or is not available.' })
  async powerOff(@Param('id') id: string) {
    return mapHostDetail(await this.vmm.powerOffHost({ hostId: id }));
  }

  @ApiOkResponse({ type: HostDetailResponseDto })
  @ApiErrors('InvalidHostID.NotFound', 'IncorrectHostState')
  @Post('hosts/:id/power-on') @HttpCode(200)
  @ApiOperation({ summary: 'Switch an off host on; it is available at once. Hosts that consolidation switched off also come back by themselves when a placement would otherwise fail.' })
  async powerOn(@Param('id') id: string) {
    return mapHostDetail(await this.vmm.powerOnHost({ hostId: id }));
  }

  @ApiOkResponse({ type: MigrationResponseDto, description: 'The migration started: its pre-copy plan' })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'targetHostId is required' }, 'InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound', 'InvalidHostID.NotFound', 'IncorrectInstanceState', 'MigrationNotConverging')
  @Post('instances/:id/migrate') @HttpCode(200)
  @ApiBody({ schema: { example: { targetHostId: 'h-0123456789abcdef0' } } })
  async migrate(@Param('id') id: string, @Body() body: Record<string, unknown>) {
    const keys = Object.keys(body ?? {});
    if (keys.some((k) => k !== 'targetHostId')) throw invalidParameter(`unknown field(s): ${keys.filter((k) => k !== 'targetHostId').join(', ')}`);
    if (typeof body?.targetHostId !== 'string') throw invalidParameter('targetHostId is required');
    return mapMigration(await this.vmm.migrate({ instanceId: id, targetHostId: body.targetHostId }));
  }

  @ApiOkResponse({ type: FleetUtilizationResponseDto })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'period must be a multiple of 60 seconds, got 61' })
  @Get('fleet/utilization')
  @WindowDoc()
  async utilization(@Query() q: Record<string, unknown>) {
    return mapFleetUtilization(await this.vmm.fleetUtilization(windowOf(q)));
  }

  @ApiOkResponse({ type: FleetHeatmapResponseDto })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'period must be a multiple of 60 seconds, got 61' })
  @Get('fleet/heatmap')
  @ApiOperation({ summary: "Every host's CPU (demanded over capacity) or memory (resident over capacity) utilization per period, as fractions: the dashboard's hosts × time heatmap" })
  @WindowDoc()
  @ApiQuery({ name: 'metric', required: false, enum: ['cpu', 'memory'], description: 'default cpu' })
  async heatmap(@Query() q: Record<string, unknown>) {
    return mapFleetHeatmap(await this.vmm.fleetHeatmap({ ...windowOf(q), metric: q.metric }));
  }

  @ApiOkResponse({ type: ZoneAvailabilityResponseDto })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'period must be a multiple of 60 seconds, got 61' })
  @Get('fleet/availability')
  @ApiOperation({ summary: "Availability per zone over a window (default the last 30 days): the share of its hosts' recorded time they were not failed" })
  @WindowDoc()
  async availability(@Query() q: Record<string, unknown>) {
    return mapZoneAvailability(await this.vmm.zoneAvailability(windowOf(q)));
  }

  @ApiOkResponse({ type: EventsPageResponseDto })
  @ApiErrors('InvalidPaginationToken', { code: 'InvalidParameterValue', message: 'maxResults must be an integer from 5 to 1000' })
  @Get('events')
  @ApiQuery({ name: 'hostId', required: false }) @ApiQuery({ name: 'instanceId', required: false }) @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'maxResults', required: false }) @ApiQuery({ name: 'nextToken', required: false })
  async events(@Query() q: Record<string, unknown>) {
    const { hostId, instanceId, type, maxResults, nextToken } = q;
    return mapEventsPage(await this.vmm.adminEvents({ hostId, instanceId, type, maxResults, nextToken }));
  }

  @ApiOkResponse({ type: SchedulerConfigResponseDto })
  @Get('scheduler')
  scheduler() {
    return this.vmm.schedulerConfig();
  }

  @ApiOkResponse({ type: SchedulerConfigResponseDto, description: 'The settings now in force' })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'ramAllocationRatio for the default must be from 0.1 to 64, got 2.5e-114' })
  @Put('scheduler')
  @ApiBody({ schema: { example: { ramAllocationRatio: 1, overrides: { hostTypes: { 'r5-host': { ramAllocationRatio: 1.5 } } } } } })
  putScheduler(@Body() body: unknown) {
    return this.vmm.putSchedulerConfig({ settings: body });
  }

  @ApiOkResponse({ type: RebalancerConfigResponseDto })
  @Get('rebalancer')
  @ApiOperation({ summary: 'Rebalancing settings: hot-spot relief, consolidation, and the live-migration concurrency limit (drains included).' })
  rebalancer() {
    return this.vmm.rebalancerConfig();
  }

  @ApiOkResponse({ type: RebalancerConfigResponseDto, description: 'The settings now in force' })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'maxConcurrentMigrations must be an integer from 1 to 1000' })
  @Put('rebalancer')
  @ApiOperation({
    summary: 'Change rebalancing settings (each block merged field by field; the whole is checked, 400 changes nothing). Persisted.',
    description: [
      'Utilization is *demanded* CPU: what the host\'s VMs ask (delivered or not) plus its driver domain, over its hardware threads, as a fraction (0.9 = 90 %).',
      '`hotSpot`: a host above `cpuThreshold` for `windowSeconds` live-migrates the VM with the minimum migration time to a host of its zone that stays below the threshold; source and destination then rest `cooldownSeconds`.',
      '`consolidation`: every `intervalSeconds`, hosts below `cpuThreshold` for `windowSeconds`: empty ones are switched off (with `powerOff`), the emptiest other one is evacuated onto busier hosts (none pushed above the hot-spot threshold) and switched off. Switched back on when a placement would otherwise fail.',
      '`maxConcurrentMigrations`: live migrations in flight at once, fleet-wide (one per source host). Every migration event carries its `reason`: maintenance, hot-spot, consolidation or operator.',
    ].join('\n\n'),
  })
  @ApiBody({
    schema: {
      example: {
        hotSpot: { enabled: true, cpuThreshold: 0.9, windowSeconds: 300, cooldownSeconds: 600 },
        consolidation: { enabled: true, cpuThreshold: 0.2, windowSeconds: 900, intervalSeconds: 300, powerOff: true },
        maxConcurrentMigrations: 16,
      },
    },
  })
  putRebalancer(@Body() body: unknown) {
    return this.vmm.putRebalancerConfig({ settings: body });
  }
}
