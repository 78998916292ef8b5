import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { type ErrorDetail, ValidationFailedError } from '../../../../libs/errors/domain-error.js';
import type { ImportCountsDto, OneRosterImportResultDto } from '../classes.dto.js';
import { OneRosterImported } from '../classes.events.js';
import { asDuplicateStudent } from '../classes.errors.js';
import { readOneRosterBundle, sortDetails } from '../oneroster.parser.js';
import { importClasses, importSchools, importStudents, importTeachers } from '../oneroster.writes.js';

/**
 * An admin imports a district's OneRoster bundle: schools, teachers (matched to HandMark users by
 * email), classes (owned by their primary teacher) and one roster row per student enrollment.
 * All or nothing, in one transaction; importing the same bundle again changes nothing and
 * records nothing. Archived classes are left as they are.
 */
export class ImportOneRosterCommand extends Command<OneRosterImportResultDto> {
  constructor(
    readonly actor: Actor,
    readonly zip: Uint8Array,
  ) {
    super();
  }
}

const zero = (): ImportCountsDto => ({ created: 0, updated: 0, unchanged: 0 });
const changedCount = (counts: ImportCountsDto) => counts.created + counts.updated;

@CommandHandler(ImportOneRosterCommand)
export class ImportOneRosterHandler implements ICommandHandler<ImportOneRosterCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute({ actor, zip }: ImportOneRosterCommand): Promise<OneRosterImportResultDto> {
    const { bundle, errors } = readOneRosterBundle(zip);
    if (!bundle) throw bundleInvalid(errors);
    try {
      return await this.uow.run(actor, async (tx) => {
        // One import at a time: two admins uploading at once would race on the same sourcedIds.
        await tx.manager.query(`SELECT pg_advisory_xact_lock(hashtext('handmark.oneroster_import'))`);
        const problems: ErrorDetail[] = [];
        const result: OneRosterImportResultDto = { importId: null, version: bundle.version, schools: zero(), teachers: zero(), classes: zero(), students: zero() };

        const schoolIds = await importSchools(tx, bundle, result.schools);
        const teacherIds = await importTeachers(tx, bundle, schoolIds, result.teachers, problems);
        if (problems.length > 0) throw bundleInvalid(problems);
        const rosters = await importClasses(tx, bundle, schoolIds, teacherIds, result.classes);
        await importStudents(tx, rosters, result.students, problems);
        if (problems.length > 0) throw bundleInvalid(problems);

        const changed = [result.schools, result.teachers, result.classes, result.students].some((counts) => changedCount(counts) > 0);
        if (changed) {
          result.importId = randomUUID();
          tx.record(
            OneRosterImported,
            result.importId,
            {
              importId: result.importId,
              version: bundle.version,
              schools: changedCount(result.schools),
              teachers: changedCount(result.teachers),
              classes: changedCount(result.classes),
              students: changedCount(result.students),
              unchanged: false,
            },
            { expectedVersion: 0 },
          );
        }
        return result;
      });
    } catch (error) {
      throw asDuplicateStudent(error);
    }
  }
}

const MAX_ERROR_DETAILS = 1000;

/** 400 naming every bad row, in file and row order (capped, so a wrong file does not produce a megabyte of JSON). */
function bundleInvalid(details: ErrorDetail[]): ValidationFailedError {
  const sorted = sortDetails(details);
  const shown = sorted.length > MAX_ERROR_DETAILS ? [...sorted.slice(0, MAX_ERROR_DETAILS), { field: 'file', message: `and ${sorted.length - MAX_ERROR_DETAILS} more problems` }] : sorted;
  return new ValidationFailedError(`The OneRoster bundle was not imported: ${details.length} problem(s); fix them and upload the bundle again`, shown);
}
