import { DynamicModule, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken, InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthService } from './application/auth/auth.service';
import { AdminGuard, TenantGuard } from './http/rest/auth/guards';
import { assertEveryTenantRouteHasAnOperation } from './http/rest/auth/operation-check';
import { throttleProvider, ThrottleOptions } from './application/auth/throttle.provider';
import { CatalogController } from './http/rest/catalog/catalog.controller';
import { ClockController } from './http/rest/clock/clock.controller';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { dataSourceOptions, READ_DB, readDataSource } from './persistence/data-source';
import { DemoSeeder } from './application/demo/demo.seeder';
import { EngineService } from './engine/engine.service';
import { WorldStore } from './persistence/world-store';
import { WalCheckpointer } from './persistence/wal-checkpointer';
import { ReadThreadHost } from './persistence/read-thread';
import { MetricsService } from './metrics/metrics.service';
import { HealthController } from './http/rest/health/health.controller';
import { HostsController } from './http/rest/hosts/hosts.controller';
import { HostsService } from './application/hosts/hosts.service';
import { HostsRepository } from './persistence/hosts.repository';
import { TenantsRepository } from './persistence/tenants.repository';
import { ApiKeysRepository } from './persistence/api-keys.repository';
import { InstancesRepository } from './persistence/instances.repository';
import { InstancesController } from './http/rest/instances/instances.controller';
import { InstancesService } from './application/instances/instances.service';
import { QuotasController } from './http/rest/instances/quotas.controller';
import { TenantsController } from './http/rest/tenants/tenants.controller';
import { AdminLicensesController, AdminTenantActivityController } from './http/rest/tenants/tenant-activity.controller';
import { AdminVmmController, InstanceVmmController } from './http/rest/vmm/vmm.controller';
import { VmmService } from './application/vmm/vmm.service';
import { TenantsService } from './application/tenants/tenants.service';
import { TenantQuotas } from './application/tenants/tenant-quotas';
import { VolumesController } from './http/rest/volumes/volumes.controller';
import { AdminReservedInstancesController, ReservedInstancesController } from './http/rest/reserved-instances/reserved-instances.controller';
import { VolumesService } from './application/volumes/volumes.service';
import { VolumesRepository } from './persistence/volumes.repository';
import { VmmRepository } from './persistence/vmm.repository';
import { EventsRepository } from './persistence/events.repository';
import { MetricsRepository } from './persistence/metrics.repository';
import { HealthRepository } from './persistence/health.repository';
import { HealthService } from './application/health/health.service';
import { CatalogService } from './application/catalog/catalog.service';
import { CatalogAdminService } from './application/catalog/catalog-admin.service';
import { ImagesService } from './application/images/images.service';
import { SnapshotsService } from './application/images/snapshots.service';
import { CatalogRepository } from './persistence/catalog.repository';
import { CatalogAdminController } from './http/rest/images/catalog-admin.controller';
import { ImagesController, SnapshotsController } from './http/rest/images/images.controller';
import { ClockService } from './application/clock/clock.service';
import { PlacementGroupsController } from './http/rest/placement/placement-groups.controller';
import { PlacementGroupsService } from './application/placement/placement-groups.service';
import { DedicatedHostsController } from './http/rest/placement/dedicated-hosts.controller';
import { DedicatedHostsService } from './application/placement/dedicated-hosts.service';
import { LicensesController } from './http/rest/licenses/licenses.controller';
import { LicensesService } from './application/licenses/licenses.service';
import { AdminBillingController, BillingController } from './http/rest/billing/billing.controller';
import { BillingService } from './application/billing/billing.service';
import { DemoRepository } from './persistence/demo.repository';
import { BillingRepository } from './persistence/billing.repository';
import { LicensesRepository } from './persistence/licenses.repository';
import { PlacementGroupsRepository } from './persistence/placement-groups.repository';
import { DedicatedHostsRepository } from './persistence/dedicated-hosts.repository';
import { SimulationsController } from './http/rest/simulations/simulations.controller';
import { ScenariosController } from './http/rest/simulations/scenarios.controller';
import { ExperimentsController } from './http/rest/experiments/experiments.controller';
import { ExperimentsService } from './application/experiments/experiments.service';
import { ExperimentFinisher } from './application/experiments/experiment-finisher';
import { ExperimentsRepository } from './persistence/experiments.repository';
import { SimulationsService } from './application/simulations/simulations.service';
import { SimulationRunner } from './application/simulations/simulation-runner';
import { SCENARIO_EXECUTOR } from './application/simulations/scenario-executor';
import { scenarioExecutor } from './jobs/worker-thread-executor';
import { SimulationWrites } from './application/simulations/simulation-writes';
import { EngineSimulationWrites } from './application/simulations/engine-simulation-writes';
import { SimulationsRepository } from './persistence/simulations.repository';
import { simulationQueueProvider } from './jobs/simulation-queue.provider';
import { NetworkingRepository } from './persistence/networking.repository';
import { NetworkingService } from './application/networking/networking.service';
import { SecurityGroupsService } from './application/networking/security-groups.service';
import { KeyPairsService } from './application/networking/key-pairs.service';
import { ElasticIpsService } from './application/networking/elastic-ips.service';
import { RoutingService } from './application/networking/routing.service';
import { NatGatewaysService } from './application/networking/nat-gateways.service';
import { VpcPeeringService } from './application/networking/vpc-peering.service';
import { VpcPeeringRepository } from './persistence/vpc-peering.repository';
import { DhcpOptionsService } from './application/networking/dhcp-options.service';
import { DhcpOptionsRepository } from './persistence/dhcp-options.repository';
import { SpotRepository } from './persistence/spot.repository';
import { SpotMarket } from './application/spot/spot-market';
import { SpotService } from './application/spot/spot.service';
import { SpotInterruptions } from './application/spot/spot-interruptions';
import { SpotTagsRegistrar } from './application/spot/spot-tags.registrar';
import { FleetsService } from './application/fleets/fleets.service';
import { FleetsRepository } from './persistence/fleets.repository';
import { ReservedInstancesRepository } from './persistence/reserved-instances.repository';
import { ReservedInstancesService } from './application/reserved-instances/reserved-instances.service';
import { ReservedInstancesTagsRegistrar } from './application/reserved-instances/reserved-instances-tags.registrar';
import { RoutingRepository } from './persistence/routing.repository';
import { NetworkAclsService } from './application/networking/network-acls.service';
import { NetworkAclsRepository } from './persistence/network-acls.repository';
import { NetworkTagsRegistrar } from './application/networking/network-tags.registrar';
import { VolumeTagsRegistrar } from './application/volumes/volume-tags.registrar';
import { PlacementTagsRegistrar } from './application/placement/placement-tags.registrar';
import { LaunchTemplatesService } from './application/launch-templates/launch-templates.service';
import { LaunchTemplateTagsRegistrar } from './application/launch-templates/launch-template-tags.registrar';
import { LaunchTemplatesRepository } from './persistence/launch-templates.repository';
import { INSTANCE_NETWORKING } from './application/networking/instance-networking';
import { NatRoutes } from './application/networking/nat-routes';
import { AccessKeysController, AdminAccessKeysController } from './http/rest/credentials/access-keys.controller';
import { CredentialsService } from './application/credentials/credentials.service';
import { AccessKeysRepository } from './persistence/access-keys.repository';
import { Ec2Adapter, Ec2Controller } from './http/ec2/ec2.adapter';
import { EC2_ACTION_SOURCES } from './http/ec2/actions';
import { TagsService } from './application/tags/tags.service';

/** Closes the read connection with the app (the writer is TypeORM's module's to close). */
@Injectable()
class ReadConnectionCloser implements OnApplicationShutdown {
  constructor(
    @InjectDataSource(READ_DB) private readonly reader: DataSource,
    @InjectDataSource() private readonly writer: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.reader !== this.writer && this.reader.isInitialized) await this.reader.destroy();
  }
}

/** What only code (tests) sets, beside the environment's configuration. */
export interface AppOptions {
  readonly throttle?: ThrottleOptions;
}

export const CONTROLLERS = [
  HealthController, CatalogController, InstancesController, QuotasController, TenantsController, HostsController, ClockController,
  InstanceVmmController, AdminVmmController, VolumesController, ReservedInstancesController, AdminReservedInstancesController,
  PlacementGroupsController, DedicatedHostsController, LicensesController,
  BillingController, AdminBillingController,
  SimulationsController,
  ScenariosController,
  ExperimentsController,
  // The EC2 Query protocol (issue 15): its access keys (REST) and its endpoint at `/`.
  AccessKeysController, AdminAccessKeysController, Ec2Controller,
  // The catalog beyond the built-in one, images and snapshots (issue 15).
  ImagesController, SnapshotsController, CatalogAdminController,
  AdminTenantActivityController, AdminLicensesController,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    // A tenant route that names no operation would go unthrottled: refuse to start.
    assertEveryTenantRouteHasAnOperation(CONTROLLERS);
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(config.database)),
        // Readiness answers its own 503 with the failing dependency named; no log line per failed probe.
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: CONTROLLERS,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        // Reads of the committed state: a connection made after the writer (which runs the migrations).
        { provide: getDataSourceToken(READ_DB), inject: [getDataSourceToken()], useFactory: (writer: DataSource) => readDataSource(config.database, writer) },
        ReadConnectionCloser, WalCheckpointer, ReadThreadHost, MetricsService,
        throttleProvider(options.throttle),
        InstancesRepository, TenantsRepository, ApiKeysRepository, HostsRepository,
        EngineService, WorldStore, AuthService, TenantGuard, AdminGuard, TenantsService, TenantQuotas, InstancesService, HostsService, DemoSeeder, VmmService, VolumesService,
        PlacementGroupsService, DedicatedHostsService, LicensesService,
        BillingService,
        BillingRepository, LicensesRepository, PlacementGroupsRepository, DedicatedHostsRepository, DemoRepository,
        VolumesRepository, VmmRepository, EventsRepository, MetricsRepository, HealthRepository, HealthService, CatalogService, ClockService,
        // Load-simulation runs (issue 11): BullMQ or in-process, chosen at start (jobs/).
        SimulationsRepository, SimulationsService, SimulationRunner, { provide: SimulationWrites, useClass: EngineSimulationWrites }, simulationQueueProvider,
        // The runs the API executes itself (in-process) each on a thread of its own, as a worker's (NIMBUS_WORKER_THREADS).
        { provide: SCENARIO_EXECUTOR, useValue: scenarioExecutor(config.simulationThreads) },
        // Experiments (issue 12): sets of runs on the same queue.
        ExperimentsRepository, ExperimentsService, ExperimentFinisher,
        // EC2 networking (issue 15): VPCs, subnets, security groups, network interfaces, key pairs; InstancesService's network.
        NetworkingRepository, NetworkingService, SecurityGroupsService, KeyPairsService, ElasticIpsService, RoutingRepository, RoutingService, NetworkAclsRepository, NetworkAclsService, NatGatewaysService, VpcPeeringRepository, VpcPeeringService, NatRoutes, DhcpOptionsRepository, DhcpOptionsService, { provide: INSTANCE_NETWORKING, useExisting: NetworkingService }, NetworkTagsRegistrar, VolumeTagsRegistrar, PlacementTagsRegistrar,
        // The EC2 Query protocol (issue 15): credentials, the adapter and every feature's actions.
        AccessKeysRepository, CredentialsService, TagsService, Ec2Adapter, ...EC2_ACTION_SOURCES,
        CatalogRepository, ImagesService, SnapshotsService, CatalogAdminService,
        // EC2 launch templates.
        LaunchTemplatesRepository, LaunchTemplatesService, LaunchTemplateTagsRegistrar,
        // EC2 Spot Instances: the requests and the simulated market.
        SpotRepository, SpotMarket, SpotService, SpotInterruptions, SpotTagsRegistrar,
        // EC2 Fleet (instant).
        FleetsRepository, FleetsService,
        // EC2 Standard Reserved Instances (their billing: libs/metering).
        ReservedInstancesRepository, ReservedInstancesService, ReservedInstancesTagsRegistrar,
      ],
    };
  }
}
