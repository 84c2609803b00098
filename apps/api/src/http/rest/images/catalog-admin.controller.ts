import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { CustomInstanceTypeListResponseDto, CustomInstanceTypeResponseDto, ImageDetailListResponseDto, ImageDetailResponseDto } from './image-response.dto';
import { AdminAuth } from '../auth/guards';
import { CatalogAdminService } from '../../../application/catalog/catalog-admin.service';
import { AddImageDto, AddInstanceTypeDto } from './image.dto';
import { mapCustomInstanceType, mapImage } from './image.mapper';

/** The operator's catalog: images with chosen ids and custom instance types (stored; seen by REST, EC2 and billing at once). */
@ApiTags('admin: catalog')
@AdminAuth()
@Controller('v1/admin')
export class CatalogAdminController {
  constructor(private readonly catalog: CatalogAdminService) {}

  @ApiCreatedResponse({ type: ImageDetailResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError', { code: 'InvalidAMIID.Malformed', message: 'Invalid id: "ami-bad" (expecting "ami-...")' }, { code: 'InvalidAMIID.Duplicate', message: "The image id 'ami-0abcdef1234567890' already exists" })
  @Post('images')
  async addImage(@Body() dto: AddImageDto) {
    return mapImage(await this.catalog.addImage({ ...dto }));
  }

  @ApiOkResponse({ type: ImageDetailListResponseDto })
  @Get('images')
  async listImages() {
    return { images: (await this.catalog.listImages()).map(mapImage) };
  }

  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ code: 'InvalidAMIID.NotFound', message: "The image id '[ami-0abcdef1234567890]' does not exist" }, { code: 'InvalidAMIID.Malformed', message: 'Invalid id: "ami-bad" (expecting "ami-...")' })
  @Delete('images/:id') @HttpCode(204)
  async deleteImage(@Param('id') id: string): Promise<void> {
    await this.catalog.deleteImage(id);
  }

  @ApiCreatedResponse({ type: CustomInstanceTypeResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidParameterValue', { code: 'InvalidInstanceType.Duplicate', message: "The instance type 'm5.custom' already exists" })
  @Post('instance-types')
  async addInstanceType(@Body() dto: AddInstanceTypeDto) {
    const { type } = await this.catalog.addInstanceType({ ...dto, hourlyPrices: { ...dto.hourlyPrices } });
    return mapCustomInstanceType(type);
  }

  @ApiOkResponse({ type: CustomInstanceTypeListResponseDto })
  @Get('instance-types')
  listInstanceTypes() {
    return { instanceTypes: this.catalog.listInstanceTypes().map(mapCustomInstanceType) };
  }

  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ code: 'InvalidInstanceType.NotFound', message: "The instance type 'm5.custom' does not exist" })
  @Delete('instance-types/:name') @HttpCode(204)
  async deleteInstanceType(@Param('name') name: string): Promise<void> {
    await this.catalog.deleteInstanceType(name);
  }
}
