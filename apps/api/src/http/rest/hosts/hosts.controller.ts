import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { HostListResponseDto, HostTypeListResponseDto } from './host-response.dto';
import { AdminAuth } from '../auth/guards';
import { AddHostsDto } from './host.dto';
import { HostsService } from '../../../application/hosts/hosts.service';
import { mapHosts, mapHostTypes } from './host.mapper';

@ApiTags('admin: fleet')
@AdminAuth()
@Controller('v1/admin')
export class HostsController {
  constructor(private readonly hosts: HostsService) {}

  @ApiOkResponse({ type: HostTypeListResponseDto })
  @Get('host-types') hostTypes() { return mapHostTypes(this.hosts.hostTypes()); }

  @ApiCreatedResponse({ type: HostListResponseDto, description: 'The hosts added' })
  @ApiErrors('MissingParameter', 'ValidationError', { code: 'InvalidParameterValue', message: "hostType 'x9-host' does not exist" })
  @Post('hosts')
  async add(@Body() dto: AddHostsDto) {
    return mapHosts(await this.hosts.add({ hostType: dto.hostType, availabilityZone: dto.availabilityZone, count: dto.count }));
  }

  @ApiOkResponse({ type: HostListResponseDto })
  @Get('hosts')
  @ApiQuery({ name: 'availabilityZone', required: false })
  @ApiQuery({ name: 'hostType', required: false })
  list(@Query('availabilityZone') availabilityZone?: string, @Query('hostType') hostType?: string) {
    return mapHosts(this.hosts.list({ availabilityZone, hostType }));
  }

  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors('InvalidHostID.NotFound', 'IncorrectHostState')
  @Delete('hosts/:id') @HttpCode(204) remove(@Param('id') id: string) { return this.hosts.remove({ hostId: id }); }
}
