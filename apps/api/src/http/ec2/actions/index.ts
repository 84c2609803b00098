import { Type } from '@nestjs/common';
import type { Ec2ActionSource } from '../ec2-action-source';
import { AddressesEc2Actions } from './addresses.actions';
import { CatalogEc2Actions } from './catalog.actions';
import { InstancesEc2Actions } from './instances.actions';
import { LaunchTemplatesEc2Actions } from './launch-templates.actions';
import { NetworkAclsEc2Actions } from './network-acls.actions';
import { NatGatewaysEc2Actions } from './nat-gateways.actions';
import { NetworkingEc2Actions } from './networking.actions';
import { PlacementEc2Actions } from './placement.actions';
import { RegionsEc2Actions } from './regions.actions';
import { RoutingEc2Actions } from './routing.actions';
import { ImagesEc2Actions } from './images.actions';
import { TagsEc2Actions } from './tags.actions';
import { VolumesEc2Actions } from './volumes.actions';
import { VpcPeeringEc2Actions } from './vpc-peering.actions';
import { DhcpOptionsEc2Actions } from './dhcp-options.actions';
import { SpotEc2Actions } from './spot.actions';
import { ReservedInstancesEc2Actions } from './reserved-instances.actions';
import { FleetsEc2Actions } from './fleets.actions';

/**
 * Every feature's EC2 actions (each a Nest provider, so its handlers reach the feature's
 * application services). The adapter merges their maps at start; a feature adds its class here
 * and to nothing else (app.module registers this list as providers).
 */
export const EC2_ACTION_SOURCES: readonly Type<Ec2ActionSource>[] = [
  RegionsEc2Actions, InstancesEc2Actions, TagsEc2Actions, VolumesEc2Actions, PlacementEc2Actions, CatalogEc2Actions, NetworkingEc2Actions, ImagesEc2Actions,
  AddressesEc2Actions, RoutingEc2Actions, LaunchTemplatesEc2Actions,
  NetworkAclsEc2Actions, NatGatewaysEc2Actions,
  VpcPeeringEc2Actions,
  DhcpOptionsEc2Actions,
  SpotEc2Actions,
  ReservedInstancesEc2Actions,
  FleetsEc2Actions,
];
