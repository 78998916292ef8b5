import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { ConcurrencyError, ValidationFailedError } from '../../../../libs/errors/domain-error.js';
import type { RosterImportResultDto } from '../classes.dto.js';
import { RosterImported } from '../classes.events.js';
import { ClassArchivedError, asDuplicateStudent } from '../classes.errors.js';
import { CSV_MATCHING, planRoster } from '../classes.rules.js';
import { parseRosterCsv } from '../roster-csv.parser.js';
import { applyRosterPlans, loadRosters } from '../roster.writes.js';
import { SchoolClass } from '../school-class.entity.js';
import { findOwnedClass } from '../queries/get-class.query.js';

/**
 * Imports a roster CSV into one class, all or nothing. Rows match existing students by student
 * id, else email, else exact name; matched rows update what differs, the others are added.
 * Importing the same file twice changes nothing the second time and records nothing.
 */
export class ImportRosterCsvCommand extends Command<RosterImportResultDto> {
  constructor(
    readonly actor: Actor,
    readonly classId: string,
    readonly csv: Buffer | string,
  ) {
    super();
  }
}

@CommandHandler(ImportRosterCsvCommand)
export class ImportRosterCsvHandler implements ICommandHandler<ImportRosterCsvCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute({ actor, classId, csv }: ImportRosterCsvCommand): Promise<RosterImportResultDto> {
    const parsed = parseRosterCsv(csv);
    try {
      return await this.uow.run(actor, async (tx) => {
        // Locked: two imports (or an import and a class edit) of one class run one after the other.
        const cls = await findOwnedClass(tx.manager, actor.userId, classId, { lock: true });
        if (cls.archivedAt) throw new ClassArchivedError();
        if (parsed.errors.length > 0) throw rosterInvalid(parsed.errors);

        const roster = (await loadRosters(tx, [cls.id])).get(cls.id)!;
        const plan = planRoster(roster, parsed.rows, CSV_MATCHING);
        if (plan.errors.length > 0) throw rosterInvalid(plan.errors);
        const result = { added: plan.added.length, updated: plan.updated.length, unchanged: plan.unchanged };
        if (result.added === 0 && result.updated === 0) return result;

        await applyRosterPlans(tx, [{ classId: cls.id, ownerId: cls.userId, plan }], 'csv');
        const bumped = await tx.manager.getRepository(SchoolClass).update({ id: cls.id, version: cls.version }, { version: cls.version + 1 });
        if (!bumped.affected) throw new ConcurrencyError();
        tx.record(RosterImported, cls.id, { classId: cls.id, ownerId: cls.userId, ...result }, { expectedVersion: cls.version });
        return result;
      });
    } catch (error) {
      throw asDuplicateStudent(error);
    }
  }
}

function rosterInvalid(details: Array<{ field?: string; message: string }>): ValidationFailedError {
  const rows = new Set(details.map((d) => d.field?.split(',')[0]));
  return new ValidationFailedError(`The roster was not imported: ${details.length} problem(s) in ${rows.size} row(s); fix them and upload the file again`, sortByRow(details));
}

/** Details in spreadsheet order: row 2 before row 10. */
function sortByRow<T extends { field?: string }>(details: T[]): T[] {
  const rowOf = (d: T) => Number(/^row (\d+)/.exec(d.field ?? '')?.[1] ?? 0);
  return [...details].sort((a, b) => rowOf(a) - rowOf(b));
}
