import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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

  @Post('images')
  async addImage(@Body() dto: AddImageDto) {
    return mapImage(await this.catalog.addImage({ ...dto }));
  }

  @Get('images')
  async listImages() {
    return { images: (await this.catalog.listImages()).map(mapImage) };
  }

  @Delete('images/:id') @HttpCode(204)
  async deleteImage(@Param('id') id: string): Promise<void> {
    await this.catalog.deleteImage(id);
  }

  @Post('instance-types')
  async addInstanceType(@Body() dto: AddInstanceTypeDto) {
    const { type } = await this.catalog.addInstanceType({ ...dto, hourlyPrices: { ...dto.hourlyPrices } });
    return mapCustomInstanceType(type);
  }

  @Get('instance-types')
  listInstanceTypes() {
    return { instanceTypes: this.catalog.listInstanceTypes().map(mapCustomInstanceType) };
  }

  @Delete('instance-types/:name') @HttpCode(204)
  async deleteInstanceType(@Param('name') name: string): Promise<void> {
    await this.catalog.deleteInstanceType(name);
  }
}
