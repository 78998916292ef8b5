import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import type { ClassDto } from '../classes.dto.js';
import { ClassCreated } from '../classes.events.js';

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
    /** The owner's school (from their user row, which the auth guard has read). */
    readonly schoolId: string | null,
    readonly fields: NewClass,
  ) {
    super();
  }
}

@CommandHandler(CreateClassCommand)
export class CreateClassHandler implements ICommandHandler<CreateClassCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, schoolId, fields }: CreateClassCommand): Promise<ClassDto> {
    return this.uow.run(actor, async (tx) => {
      const ownerId = actor.userId!;
      const id = randomUUID();
      const now = new Date();
      const values = { name: fields.name, gradeLevel: fields.gradeLevel ?? null, subject: fields.subject ?? null, academicYear: fields.academicYear ?? null };
      // Nothing to read first: the row goes out with its event in the command's single write round trip.
      tx.write(
        `INSERT INTO classes (id, user_id, school_id, name, grade_level, subject, academic_year, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)`,
        [id, ownerId, schoolId, values.name, values.gradeLevel, values.subject, values.academicYear, now],
      );
      tx.record(ClassCreated, id, { classId: id, ownerId, fields: { ...values, schoolId }, source: 'teacher' }, { expectedVersion: 0 });
      return { id, ...values, schoolId, archivedAt: null, version: 1, studentCount: 0, createdAt: now, updatedAt: now };
    });
  }
}
