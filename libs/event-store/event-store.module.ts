import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectorRegistry } from './projector.js';
import { UnitOfWork } from './unit-of-work.js';

@Global()
@Module({
  imports: [CqrsModule],
  providers: [UnitOfWork, ProjectorRegistry],
  exports: [UnitOfWork, ProjectorRegistry],
})
export class EventStoreModule {}
