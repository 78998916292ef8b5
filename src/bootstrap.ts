import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ServeStaticModule } from '@nestjs/serve-static';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { AppConfig } from '../libs/config/config.js';
import { migrate } from '../libs/database/migrate.js';
import { migrations } from '../migrations/index.js';
import { AppModule } from './app.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { requestIdMiddleware } from './common/request-context.js';
import { createValidationPipe } from './common/validation.js';

export interface CreateAppOptions {
  logger?: false | Array<'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal'>;
  /** Extra modules mounted beside the application (benchmarks register their baseline here). */
  extraModules?: Array<new () => unknown>;
}

/** Builds the HTTP application exactly as production runs it; tests and benchmarks use the same. */
export async function createApp(config: AppConfig, databaseUrl: string, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  await migrate(databaseUrl, migrations);
  const root = AppModule.forRoot(config, databaseUrl);
  const webApp = builtWebApp();
  root.imports = [...(root.imports ?? []), ...(webApp ? [serveWebApp(webApp)] : []), ...(options.extraModules ?? [])];
  const app = await NestFactory.create<NestExpressApplication>(root, {
    logger: options.logger ?? ['log', 'error', 'warn', 'fatal'],
    bodyParser: true,
  });
  configureApp(app, config);
  await app.init();
  return app;
}

export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(cookieParser());
  app.useBodyParser('json', { limit: '2mb' });
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  setupSwagger(app);
}

/** The built web app (web/dist), if `npm run build` made it: seen from src/ under jest, from dist/src/ when compiled. */
function builtWebApp(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.resolve(here, '../web/dist'), path.resolve(here, '../../web/dist')].find((dir) => existsSync(path.join(dir, 'index.html')));
}

/**
 * Serves the web app at / with index.html for every other non-API GET (client-side routes), after
 * the API's routes, so unknown /api paths keep their JSON 404. Vite's hashed assets never change.
 */
function serveWebApp(rootPath: string): DynamicModule {
  const assets = path.join(rootPath, 'assets') + path.sep;
  return ServeStaticModule.forRoot({
    rootPath,
    exclude: /^\/api(?:\/|$)/,
    serveStaticOptions: {
      setHeaders: (res: { setHeader(name: string, value: string): void }, file: string) =>
        res.setHeader('Cache-Control', file.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    },
  });
}

function setupSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('HandMark API')
      .setDescription('Self-hosted AI grading for schools. Browsers use the session cookie plus X-CSRF-Token; scripts use an API token.')
      .setVersion('0.1.0')
      .addCookieAuth('handmark_session')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'HandMark API token (hm_...)' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
