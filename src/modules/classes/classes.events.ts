import { defineEvent } from '../../../libs/event-store/event.js';

/**
 * Classes and rosters. Every payload carries `ownerId` (the teacher who owns the class) so read
 * models keyed by teacher need no lookups. Class fields are not personal data and are recorded
 * as values; student events never carry names, emails or school ids, only which fields changed.
 */
export interface ClassFields {
  name?: string;
  gradeLevel?: string | null;
  subject?: string | null;
  academicYear?: string | null;
  schoolId?: string | null;
}

export const ClassCreated = defineEvent<{ classId: string; ownerId: string; fields: ClassFields; source: 'teacher' | 'oneroster' }>({
  type: 'ClassCreated',
  action: 'class.create',
  streamType: 'class',
});
export const ClassUpdated = defineEvent<{ classId: string; ownerId: string; changes: ClassFields }>({
  type: 'ClassUpdated',
  action: 'class.update',
  streamType: 'class',
});
export const ClassArchived = defineEvent<{ classId: string; ownerId: string }>({
  type: 'ClassArchived',
  action: 'class.archive',
  streamType: 'class',
});
export const StudentAdded = defineEvent<{ studentId: string; classId: string; ownerId: string; source: 'teacher' | 'csv' | 'oneroster' }>({
  type: 'StudentAdded',
  action: 'student.create',
  streamType: 'student',
});
export const StudentUpdated = defineEvent<{ studentId: string; classId: string; ownerId: string; changedFields: string[] }>({
  type: 'StudentUpdated',
  action: 'student.update',
  streamType: 'student',
});
export const StudentRemoved = defineEvent<{ studentId: string; classId: string; ownerId: string }>({
  type: 'StudentRemoved',
  action: 'student.delete',
  streamType: 'student',
});
/** A class roster CSV was imported (the per-student events are recorded beside it). */
export const RosterImported = defineEvent<{ classId: string; ownerId: string; added: number; updated: number; unchanged: number }>({
  type: 'RosterImported',
  action: 'roster.import',
  streamType: 'class',
});
/** An admin imported a OneRoster bundle; the stream id is the import's own id. */
export const OneRosterImported = defineEvent<{ importId: string; version: '1.1' | '1.2'; schools: number; teachers: number; classes: number; students: number; unchanged: boolean }>({
  type: 'OneRosterImported',
  action: 'roster.oneroster_import',
  streamType: 'roster_import',
});
/**
 * A OneRoster import gave the class another primary teacher. `ownerId` is the new owner; the
 * class leaves `previousOwnerId`'s dashboard and joins the new owner's with the `students` its
 * roster had at that moment (student events of the same import follow it).
 */
export const ClassReassigned = defineEvent<{ classId: string; ownerId: string; previousOwnerId: string; students: number }>({
  type: 'ClassReassigned',
  action: 'class.reassign',
  streamType: 'class',
});
