import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import type { ClassDto } from '../classes.dto.js';
import { ClassCreated } from '../classes.events.js';
import { SchoolClass } from '../school-class.entity.js';
import { toClassDto } from '../queries/get-class.query.js';

export interface NewClass {
  name: string;
  gradeLevel?: string | null;
  subject?: string | null;
  academicYear?: string | null;
}

/** A teacher creates a class they own, in their school. */
export class CreateClassCommand extends Command<ClassDto> {
  constructor(
    readonly actor: Actor,
    readonly fields: NewClass,
  ) {
    super();
  }
}

@CommandHandler(CreateClassCommand)
export class CreateClassHandler implements ICommandHandler<CreateClassCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, fields }: CreateClassCommand): Promise<ClassDto> {
    return this.uow.run(actor, async (tx) => {
      const ownerId = actor.userId!;
      const [owner]: Array<{ school_id: string | null }> = await tx.manager.query(`SELECT school_id FROM users WHERE id = $1`, [ownerId]);
      const cls = await tx.manager.getRepository(SchoolClass).save({
        userId: ownerId,
        schoolId: owner?.school_id ?? null,
        name: fields.name,
        gradeLevel: fields.gradeLevel ?? null,
        subject: fields.subject ?? null,
        academicYear: fields.academicYear ?? null,
        version: 1,
      });
      const saved = await tx.manager.getRepository(SchoolClass).findOneByOrFail({ id: cls.id });
      tx.record(
        ClassCreated,
        saved.id,
        {
          classId: saved.id,
          ownerId,
          fields: { name: saved.name, gradeLevel: saved.gradeLevel, subject: saved.subject, academicYear: saved.academicYear, schoolId: saved.schoolId },
          source: 'teacher',
        },
        { expectedVersion: 0 },
      );
      return toClassDto(saved, 0);
    });
  }
}
