import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, AppOptions } from './app.module';
import { ErrorFilter } from './http/error.filter';
import { MAX_BODY } from './http/error.filter';
import { assignRequestId } from './http/request-id.middleware';
import { createValidationPipe } from './http/rest/validation.pipe';
import { AppConfig } from './config/app-config';
import { configureLogger, PinoNestLogger } from './logging/logger';

/** Builds the whole application (used by main and by the end-to-end tests alike). */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  configureLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), { logger: new PinoNestLogger(), bodyParser: false });
  app.use(assignRequestId);
  app.useBodyParser('json', { limit: MAX_BODY });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('Nimbus')
    .setDescription('A simulated multi-tenant, EC2-style cloud. Errors: {"error": {"code", "message", "requestId"}}.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
  await app.init();
  return app;
}
