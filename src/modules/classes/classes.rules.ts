import { isEmail } from 'class-validator';
import type { ErrorDetail } from '../../../libs/errors/domain-error.js';
import type { ClassFields } from './classes.events.js';

/** Pure rules shared by the class and roster use cases: normalising, diffing and matching students. */

export const LIMITS = { name: 200, email: 254, studentId: 100, classText: 100 } as const;

export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** The same test as the DTOs' @IsEmail, so a CSV row and a JSON body accept the same addresses. */
export function isEmailAddress(value: string): boolean {
  return value.length <= LIMITS.email && isEmail(value);
}

export type ClassValues = Required<ClassFields>;

/** The fields of `next` whose value differs from `current` (undefined in `next` means "leave as is"). */
export function classChanges(current: ClassValues, next: ClassFields): ClassFields {
  const changes: ClassFields = {};
  for (const key of Object.keys(next) as Array<keyof ClassFields>) {
    const value = next[key];
    if (value !== undefined && value !== current[key]) (changes as Record<string, unknown>)[key] = value;
  }
  return changes;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const ESCAPED_FORMULA = /^'[=+\-@\t\r]/;

/** Spreadsheets run a cell that starts with = + - @ as a formula; a leading ' makes it text. */
export function escapeSpreadsheetCell(value: string | null): string {
  if (!value) return '';
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undoes escapeSpreadsheetCell, so an exported roster imports back unchanged. */
export function unescapeSpreadsheetCell(value: string): string {
  return ESCAPED_FORMULA.test(value) ? value.slice(1) : value;
}

// ---- roster planning: which incoming rows add, update or leave students unchanged ----

export type StudentField = 'name' | 'email' | 'studentId' | 'sourcedId';
const STUDENT_FIELDS: StudentField[] = ['name', 'email', 'studentId', 'sourcedId'];
const FIELD_WORDS: Record<StudentField, string> = { name: 'name', email: 'email address', studentId: 'student id', sourcedId: 'OneRoster sourcedId' };

export interface StudentValues {
  name: string;
  email: string | null;
  studentId: string | null;
  sourcedId: string | null;
}

export interface RosterStudent extends StudentValues {
  id: string;
  version: number;
}

/** One student as an import describes them. An undefined field leaves the existing value alone. */
export interface IncomingStudent {
  /** How messages name the row: "row 4" or "enrollments.csv row 9". */
  label: string;
  /** Where a field of this row comes from, for error details: "row 4, email". */
  at(field: StudentField): string;
  name: string;
  email?: string | null;
  studentId?: string | null;
  sourcedId?: string | null;
}

export interface MatchKey {
  field: StudentField;
  /** Only these existing students can be matched by this key. */
  eligible?: (student: RosterStudent) => boolean;
  /** A weak key (the name) never takes a student another row already matched. */
  weak?: boolean;
}

export interface PlannedUpdate {
  student: RosterStudent;
  next: StudentValues;
  changedFields: StudentField[];
}

export interface RosterPlan {
  added: StudentValues[];
  updated: PlannedUpdate[];
  unchanged: number;
  errors: ErrorDetail[];
}

/** Class roster CSV: by student id, else by email; then, for rows still unmatched, by exact name. */
export const CSV_MATCHING: MatchKey[][] = [[{ field: 'studentId' }, { field: 'email' }], [{ field: 'name', weak: true }]];

const unlinked = (student: RosterStudent) => student.sourcedId === null;
/** OneRoster: by sourcedId; a student added by hand (no sourcedId) is linked by student id, else by email. */
export const ONEROSTER_MATCHING: MatchKey[][] = [
  [{ field: 'sourcedId' }],
  [
    { field: 'studentId', eligible: unlinked },
    { field: 'email', eligible: unlinked },
  ],
];

/**
 * Decides what an import does to one class roster, without touching anything. The result must
 * leave email and student id unique in the class; every row that would break that is named.
 */
export function planRoster(existing: readonly RosterStudent[], incoming: readonly IncomingStudent[], passes: MatchKey[][]): RosterPlan {
  const errors: ErrorDetail[] = [];
  const matched = new Map<IncomingStudent, RosterStudent>();
  const claimedBy = new Map<string, IncomingStudent>();
  const failed = new Set<IncomingStudent>();

  for (const pass of passes) {
    const indexes = pass.map((key) => indexBy(existing.filter((student) => key.eligible?.(student) ?? true), key.field));
    for (const row of incoming) {
      if (matched.has(row) || failed.has(row)) continue;
      pass.some((key, k) => {
        const value = row[key.field];
        if (!value) return false;
        let candidates = indexes[k].get(value) ?? [];
        if (key.weak) candidates = candidates.filter((student) => !claimedBy.has(student.id));
        if (candidates.length === 0) return false;
        if (candidates.length > 1) {
          errors.push({ field: row.at(key.field), message: `${candidates.length} students in this class have this ${FIELD_WORDS[key.field]}; add a student id or email to say which one this row is` });
          failed.add(row);
          return true;
        }
        const other = claimedBy.get(candidates[0].id);
        if (other) {
          errors.push({ field: row.at(key.field), message: `matches the same student as ${other.label}` });
          failed.add(row);
          return true;
        }
        matched.set(row, candidates[0]);
        claimedBy.set(candidates[0].id, row);
        return true;
      });
    }
  }

  const plan: RosterPlan = { added: [], updated: [], unchanged: 0, errors };
  const finalRows: Array<{ row?: IncomingStudent; values: StudentValues }> = existing.filter((student) => !claimedBy.has(student.id)).map((student) => ({ values: student }));
  for (const row of incoming) {
    if (failed.has(row)) continue;
    const student = matched.get(row);
    const next: StudentValues = {
      name: row.name,
      email: row.email === undefined ? (student?.email ?? null) : row.email,
      studentId: row.studentId === undefined ? (student?.studentId ?? null) : row.studentId,
      sourcedId: row.sourcedId === undefined ? (student?.sourcedId ?? null) : row.sourcedId,
    };
    finalRows.push({ row, values: next });
    if (!student) {
      plan.added.push(next);
      continue;
    }
    const changedFields = STUDENT_FIELDS.filter((field) => next[field] !== student[field]);
    if (changedFields.length > 0) plan.updated.push({ student, next, changedFields });
    else plan.unchanged++;
  }

  for (const field of ['email', 'studentId'] as const) {
    const owners = new Map<string, typeof finalRows>();
    for (const entry of finalRows) {
      const value = entry.values[field];
      if (value) owners.set(value, [...(owners.get(value) ?? []), entry]);
    }
    for (const group of owners.values()) {
      if (group.length < 2) continue;
      const rows = group.flatMap((entry) => (entry.row ? [entry.row] : []));
      const heldByOthers = rows.length < group.length;
      rows.forEach((row, index) => {
        if (heldByOthers) errors.push({ field: row.at(field), message: `this ${FIELD_WORDS[field]} already belongs to another student in this class` });
        else if (index > 0) errors.push({ field: row.at(field), message: `same ${FIELD_WORDS[field]} as ${rows[0].label}` });
      });
    }
  }
  return plan;
}

function indexBy(students: readonly RosterStudent[], field: StudentField): Map<string, RosterStudent[]> {
  const index = new Map<string, RosterStudent[]>();
  for (const student of students) {
    const value = student[field];
    if (value) index.set(value, [...(index.get(value) ?? []), student]);
  }
  return index;
}
