import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule, AppOptions } from './app.module';
import { ErrorFilter } from './http/error.filter';
import { asDatabaseUnavailable } from './persistence/database-errors';
import { httpAdapter, registerBodyParsers, registerRequestHooks } from './http/server';
import { registerDashboard } from './http/dashboard';
import { createValidationPipe } from './http/rest/validation.pipe';
import { buildOpenApiDocument } from './http/rest/openapi/document';
import { AppConfig } from './config/app-config';
import { configureLogger, PinoNestLogger } from './logging/logger';
import { MetricsService } from './metrics/metrics.service';
import { RequestThrottle } from './application/throttling';

/** Builds the whole application (used by main and by the end-to-end tests alike). */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  configureLogger(config.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), httpAdapter(), { logger: new PinoNestLogger(), bodyParser: false });
  registerBodyParsers(app.getHttpAdapter().getInstance());
  registerRequestHooks(app.getHttpAdapter().getInstance(), app.get(MetricsService), app.get(RequestThrottle));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter(asDatabaseUnavailable));
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app));
  await registerDashboard(app.getHttpAdapter().getInstance());
  await app.init();
  // Routes are final once Fastify is ready; tests then use app.getHttpServer() directly.
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
