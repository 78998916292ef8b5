import { parse } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import type { ErrorDetail } from '../../../libs/errors/domain-error.js';
import { type IncomingStudent, isEmailAddress, LIMITS, normalizeEmail, type StudentField } from './classes.rules.js';

/**
 * Reads a OneRoster 1.1 or 1.2 CSV bundle (a zip) into what HandMark imports: schools, teachers,
 * classes and their student enrollments. Everything that can be checked without the database is
 * checked here, and every bad row is named ("users.csv row 7, email"; the header is row 1).
 * Column names of both versions are accepted, case-insensitively; unknown columns are ignored;
 * rows whose status is "tobedeleted" are skipped, and so is whatever depends on them.
 */

export type OneRosterVersion = '1.1' | '1.2';

export interface OneRosterSchool {
  sourcedId: string;
  name: string;
  district: string | null;
}

export interface OneRosterTeacher {
  sourcedId: string;
  email: string;
  name: string | null;
  schoolSourcedId: string | null;
  /** "users.csv row 7" */
  label: string;
}

export interface OneRosterClass {
  sourcedId: string;
  name: string;
  gradeLevel: string | null;
  subject: string | null;
  academicYear: string | null;
  schoolSourcedId: string;
  ownerSourcedId: string;
  label: string;
  /** One per student enrollment (deduplicated), in file order. */
  students: IncomingStudent[];
}

export interface OneRosterBundle {
  version: OneRosterVersion;
  schools: OneRosterSchool[];
  teachers: OneRosterTeacher[];
  classes: OneRosterClass[];
}

const MAX_FILE_BYTES = 200 * 1024 * 1024;
const FILES = ['manifest.csv', 'orgs.csv', 'academicsessions.csv', 'classes.csv', 'users.csv', 'enrollments.csv', 'roles.csv'];

/** Error details in reading order: by file (manifest first), then by row. */
export function sortDetails(details: readonly ErrorDetail[]): ErrorDetail[] {
  const key = (detail: ErrorDetail) => {
    const match = /^([A-Za-z]+\.csv)(?: row (\d+))?/.exec(detail.field ?? '');
    return match ? [FILES.indexOf(match[1].toLowerCase()), Number(match[2] ?? 0)] : [-1, 0];
  };
  return details
    .map((detail, index) => ({ detail, index, key: key(detail) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.index - b.index)
    .map((item) => item.detail);
}

interface Row {
  number: number;
  label: string;
  get(column: string): string;
  at(column: string): string;
}

interface Table {
  file: string;
  rows: Row[];
  /** sourcedIds of rows marked tobedeleted. */
  deleted: Set<string>;
  has(column: string): boolean;
}

class Problems {
  readonly details: ErrorDetail[] = [];
  add(field: string, message: string): void {
    this.details.push({ field, message });
  }
}

export function readOneRosterBundle(zip: Uint8Array): { bundle?: OneRosterBundle; errors: ErrorDetail[] } {
  const problems = new Problems();
  const files = unpack(zip, problems);
  if (!files) return { errors: problems.details };

  const manifest = readTable(files, 'manifest.csv', ['propertyName', 'value'], problems);
  const version = manifest ? readManifest(manifest, problems) : undefined;
  const orgs = readTable(files, 'orgs.csv', ['sourcedId', 'name', 'type'], problems);
  const sessions = files.has('academicsessions.csv') ? readTable(files, 'academicSessions.csv', ['sourcedId'], problems) : undefined;
  const classes = readTable(files, 'classes.csv', ['sourcedId', 'title', 'schoolSourcedId'], problems);
  const users = readTable(files, 'users.csv', ['sourcedId', 'givenName', 'familyName'], problems);
  const enrollments = readTable(files, 'enrollments.csv', ['classSourcedId', 'userSourcedId', 'role'], problems);
  const roles = files.has('roles.csv') ? readTable(files, 'roles.csv', ['userSourcedId', 'role'], problems) : undefined;
  if (!version || !orgs || !classes || !users || !enrollments || problems.details.length > 0) return { errors: problems.details };

  const orgIndex = indexBySourcedId(orgs, problems);
  const sessionIndex = sessions ? indexBySourcedId(sessions, problems) : undefined;
  const classIndex = indexBySourcedId(classes, problems);
  const userIndex = indexBySourcedId(users, problems);

  // orgs: schools, with the name of the district above them
  for (const row of orgIndex.values()) {
    const parent = row.get('parentSourcedId');
    if (parent && !orgIndex.has(parent) && !orgs.deleted.has(parent)) problems.add(row.at('parentSourcedId'), `refers to org "${parent}", which is not in orgs.csv`);
  }
  const typeOf = (row: Row) => row.get('type').toLowerCase();
  const schools: OneRosterSchool[] = [];
  for (const row of orgIndex.values()) {
    if (typeOf(row) !== 'school') continue;
    const name = row.get('name');
    if (!name) problems.add(row.at('name'), 'the school has no name');
    else if (name.length > LIMITS.name) problems.add(row.at('name'), `the name is longer than ${LIMITS.name} characters`);
    schools.push({ sourcedId: row.get('sourcedId'), name, district: districtOf(row, orgIndex) });
  }

  // classes
  const classRows = new Map<string, { row: Row; draft: Omit<OneRosterClass, 'ownerSourcedId' | 'students'> }>();
  for (const row of classIndex.values()) {
    const sourcedId = row.get('sourcedId');
    const title = row.get('title');
    if (!title) problems.add(row.at('title'), 'the class has no title');
    else if (title.length > LIMITS.name) problems.add(row.at('title'), `the title is longer than ${LIMITS.name} characters`);
    const schoolId = row.get('schoolSourcedId');
    if (!schoolId) {
      problems.add(row.at('schoolSourcedId'), 'the class has no school');
      continue;
    }
    if (orgs.deleted.has(schoolId)) continue;
    const school = orgIndex.get(schoolId);
    if (!school) {
      problems.add(row.at('schoolSourcedId'), `refers to org "${schoolId}", which is not in orgs.csv`);
      continue;
    }
    if (typeOf(school) !== 'school') problems.add(row.at('schoolSourcedId'), `refers to org "${schoolId}", which is a ${typeOf(school) || 'org without a type'}, not a school`);
    let academicYear: string | null = null;
    for (const term of list(row.get('termSourcedIds'))) {
      if (!sessions || !sessionIndex) break;
      const session = sessionIndex.get(term);
      if (!session && !sessions.deleted.has(term)) problems.add(row.at('termSourcedIds'), `refers to academic session "${term}", which is not in academicSessions.csv`);
      academicYear ??= session ? schoolYearOf(session, sessionIndex) : null;
    }
    const gradeLevel = list(row.get('grades')).join(', ') || null;
    const subject = list(row.get('subjects')).join(', ') || null;
    for (const [column, value] of [['grades', gradeLevel], ['subjects', subject]] as const) {
      if (value && value.length > LIMITS.classText) problems.add(row.at(column), `longer than ${LIMITS.classText} characters`);
    }
    classRows.set(sourcedId, { row, draft: { sourcedId, name: title, gradeLevel, subject, academicYear, schoolSourcedId: schoolId, label: row.label } });
  }

  // users: roles come from users.csv (1.1 "role", or a "roles" list) and roles.csv (1.2)
  const rolesOf = new Map<string, Set<string>>();
  const primaryOrgOf = new Map<string, string>();
  for (const row of userIndex.values()) {
    const found = new Set([...list(row.get('role')), ...list(row.get('roles'))].map((role) => role.toLowerCase()));
    rolesOf.set(row.get('sourcedId'), found);
  }
  for (const row of roles?.rows ?? []) {
    const userId = row.get('userSourcedId');
    if (!userIndex.has(userId)) {
      if (!users.deleted.has(userId)) problems.add(row.at('userSourcedId'), `refers to user "${userId}", which is not in users.csv`);
      continue;
    }
    rolesOf.get(userId)!.add(row.get('role').toLowerCase());
    if (row.get('roleType').toLowerCase() === 'primary' && row.get('orgSourcedId')) primaryOrgOf.set(userId, row.get('orgSourcedId'));
  }

  // enrollments: teachers and students per class
  const teachersOf = new Map<string, Array<{ userId: string; primary: boolean }>>();
  const studentsOf = new Map<string, Array<{ userId: string; row: Row }>>();
  for (const row of enrollments.rows) {
    const role = row.get('role').toLowerCase();
    if (role !== 'teacher' && role !== 'student') continue;
    const classId = row.get('classSourcedId');
    const userId = row.get('userSourcedId');
    let usable = true;
    if (!classRows.has(classId)) {
      usable = false;
      const skipped = classes.deleted.has(classId) || classIndex.has(classId);
      if (!skipped) problems.add(row.at('classSourcedId'), `refers to class "${classId}", which is not in classes.csv`);
    }
    if (!userIndex.has(userId)) {
      usable = false;
      if (!users.deleted.has(userId)) problems.add(row.at('userSourcedId'), `refers to user "${userId}", which is not in users.csv`);
    }
    if (!usable) continue;
    if (role === 'teacher') {
      teachersOf.set(classId, [...(teachersOf.get(classId) ?? []), { userId, primary: row.get('primary').toLowerCase() === 'true' }]);
    } else {
      const enrolled = studentsOf.get(classId) ?? [];
      if (!enrolled.some((e) => e.userId === userId)) enrolled.push({ userId, row });
      studentsOf.set(classId, enrolled);
    }
  }

  // teachers: everyone with the teacher role or a teacher enrollment; matched to HandMark users by email
  const teacherIds = new Set<string>([...rolesOf].filter(([, found]) => found.has('teacher')).map(([id]) => id));
  for (const enrolled of teachersOf.values()) for (const { userId } of enrolled) teacherIds.add(userId);
  const teachers: OneRosterTeacher[] = [];
  const firstWithEmail = new Map<string, string>();
  for (const userId of teacherIds) {
    const row = userIndex.get(userId)!;
    const username = row.get('username');
    const raw = row.get('email') || (username.includes('@') ? username : '');
    const email = normalizeEmail(raw);
    if (!email) {
      problems.add(row.at('email'), `teacher "${userId}" has no email address (it is how a teacher's Google sign-in is matched)`);
      continue;
    }
    if (!isEmailAddress(email)) {
      problems.add(row.at('email'), `"${raw}" is not an email address`);
      continue;
    }
    const first = firstWithEmail.get(email);
    if (first) {
      problems.add(row.at('email'), `same email as ${first} (another teacher)`);
      continue;
    }
    firstWithEmail.set(email, row.label);
    const orgIds = [primaryOrgOf.get(userId), row.get('primaryOrgSourcedId'), ...list(row.get('orgSourcedIds'))].filter((id): id is string => Boolean(id));
    for (const orgId of orgIds) {
      if (!orgIndex.has(orgId) && !orgs.deleted.has(orgId)) problems.add(row.at(users.has('orgSourcedIds') ? 'orgSourcedIds' : 'primaryOrgSourcedId'), `refers to org "${orgId}", which is not in orgs.csv`);
    }
    const schoolSourcedId = orgIds.find((id) => orgIndex.has(id) && typeOf(orgIndex.get(id)!) === 'school') ?? null;
    teachers.push({ sourcedId: userId, email, name: fullName(row) || null, schoolSourcedId, label: row.label });
  }

  // classes get their owner (the primary teacher, else the first) and their students
  const result: OneRosterClass[] = [];
  const reported = new Set<Row>();
  for (const [classId, { row, draft }] of classRows) {
    const enrolled = teachersOf.get(classId) ?? [];
    const owner = enrolled.find((t) => t.primary) ?? enrolled[0];
    if (!owner) {
      problems.add(row.at('sourcedId'), `class "${classId}" has no teacher enrollment in enrollments.csv`);
      continue;
    }
    const students: IncomingStudent[] = [];
    for (const { userId, row: enrollment } of studentsOf.get(classId) ?? []) {
      const student = studentFrom(userIndex.get(userId)!, enrollment, problems, reported);
      if (student) students.push(student);
    }
    result.push({ ...draft, ownerSourcedId: owner.userId, students });
  }

  if (problems.details.length > 0) return { errors: problems.details };
  return { bundle: { version, schools, teachers, classes: result }, errors: [] };
}

/** A student enrolled in several classes is checked in each, but their row's problems are reported once. */
function studentFrom(user: Row, enrollment: Row, problems: Problems, reported: Set<Row>): IncomingStudent | undefined {
  const report = !reported.has(user);
  reported.add(user);
  let valid = true;
  const fail = (column: string, message: string) => {
    if (report) problems.add(user.at(column), message);
    valid = false;
  };
  const name = fullName(user);
  if (!name) fail('givenName', `student "${user.get('sourcedId')}" has no name`);
  else if (name.length > LIMITS.name) fail('givenName', `the name is longer than ${LIMITS.name} characters`);
  const rawEmail = user.get('email');
  const email = rawEmail ? normalizeEmail(rawEmail) : null;
  if (rawEmail && !isEmailAddress(email!)) fail('email', `"${rawEmail}" is not an email address`);
  const identifier = user.get('identifier') || null;
  if (identifier && identifier.length > LIMITS.studentId) fail('identifier', `longer than ${LIMITS.studentId} characters`);
  if (!valid) return undefined;
  const columns: Record<StudentField, string> = { name: user.at('givenName'), email: user.at('email'), studentId: user.at('identifier'), sourcedId: enrollment.at('userSourcedId') };
  return { label: enrollment.label, at: (field) => columns[field], name, email, studentId: identifier, sourcedId: user.get('sourcedId') };
}

function fullName(row: Row): string {
  return [row.get('givenName'), row.get('familyName')].filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
}

/** Splits a OneRoster list cell ("09,10" or "t1, t2"). */
function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function districtOf(school: Row, orgs: Map<string, Row>): string | null {
  const seen = new Set<string>();
  let current = orgs.get(school.get('parentSourcedId'));
  while (current && !seen.has(current.get('sourcedId'))) {
    if (current.get('type').toLowerCase() === 'district') return current.get('name') || null;
    seen.add(current.get('sourcedId'));
    current = orgs.get(current.get('parentSourcedId'));
  }
  return null;
}

/** OneRoster's schoolYear is the year the school year ends: 2026 is "2025-2026". A term inherits it from its parent. */
function schoolYearOf(session: Row, sessions: Map<string, Row>): string | null {
  const seen = new Set<string>();
  for (let current: Row | undefined = session; current && !seen.has(current.get('sourcedId')); current = sessions.get(current.get('parentSourcedId'))) {
    seen.add(current.get('sourcedId'));
    const year = current.get('schoolYear');
    if (/^\d{4}$/.test(year)) return `${Number(year) - 1}-${year}`;
    if (year) return year.slice(0, LIMITS.classText);
  }
  const start = session.get('startDate').slice(0, 4);
  const end = session.get('endDate').slice(0, 4);
  return /^\d{4}$/.test(start) && /^\d{4}$/.test(end) && start !== end ? `${start}-${end}` : null;
}

function readManifest(manifest: Table, problems: Problems): OneRosterVersion | undefined {
  let version: OneRosterVersion | undefined;
  let found = false;
  for (const row of manifest.rows) {
    const property = row.get('propertyName').toLowerCase();
    const value = row.get('value');
    if (property === 'oneroster.version') {
      found = true;
      if (value === '1.1' || value === '1.2') version = value;
      else problems.add(row.at('value'), `OneRoster version "${value}" is not supported (1.1 or 1.2)`);
    } else if (property.startsWith('file.') && value.toLowerCase() === 'delta') {
      problems.add(row.at('value'), `${property} is a delta file; HandMark imports bulk bundles only (export a full bundle)`);
    }
  }
  if (!found) problems.add('manifest.csv, oneroster.version', 'the manifest does not say which OneRoster version the bundle is (oneroster.version)');
  return version;
}

/** Rows by sourcedId; a missing or repeated sourcedId is an error. */
function indexBySourcedId(table: Table, problems: Problems): Map<string, Row> {
  const index = new Map<string, Row>();
  for (const row of table.rows) {
    const id = row.get('sourcedId');
    if (!id) problems.add(row.at('sourcedId'), 'the sourcedId is missing');
    else if (index.has(id)) problems.add(row.at('sourcedId'), `sourcedId "${id}" is already used by ${index.get(id)!.label}`);
    else index.set(id, row);
  }
  return index;
}

function unpack(zip: Uint8Array, problems: Problems): Map<string, Uint8Array> | undefined {
  const files = new Map<string, Uint8Array>();
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(zip, {
      filter: (entry) => {
        const name = baseName(entry.name);
        if (!FILES.includes(name) || entry.name.startsWith('__MACOSX/')) return false;
        if (entry.originalSize > MAX_FILE_BYTES) {
          problems.add(name, `${name} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`);
          return false;
        }
        return true;
      },
    });
  } catch {
    problems.add('file', 'The upload is not a readable zip archive (a OneRoster CSV bundle is a zip of CSV files)');
    return undefined;
  }
  for (const [path, content] of Object.entries(unzipped)) {
    const name = baseName(path);
    if (!files.has(name)) files.set(name, content);
  }
  return problems.details.length > 0 ? undefined : files;
}

function baseName(path: string): string {
  return (path.split('/').pop() ?? '').toLowerCase();
}

function readTable(files: Map<string, Uint8Array>, file: string, required: string[], problems: Problems): Table | undefined {
  const content = files.get(file.toLowerCase());
  if (!content) {
    problems.add(file, `the bundle has no ${file}`);
    return undefined;
  }
  let records: string[][];
  try {
    records = parse(Buffer.from(content.buffer, content.byteOffset, content.byteLength), { bom: true, relax_column_count: true });
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    problems.add(typeof line === 'number' ? `${file} row ${line}` : file, `${file} is not valid CSV: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const header = (records[0] ?? []).map((cell) => cell.trim().toLowerCase());
  const position = new Map<string, number>();
  header.forEach((column, index) => {
    if (column && !position.has(column)) position.set(column, index);
  });
  const missing = required.filter((column) => !position.has(column.toLowerCase()));
  for (const column of missing) problems.add(`${file} row 1, ${column}`, `the required column "${column}" is missing`);
  if (missing.length > 0) return undefined;

  const table: Table = { file, rows: [], deleted: new Set(), has: (column) => position.has(column.toLowerCase()) };
  records.slice(1).forEach((cells, index) => {
    if (cells.every((cell) => cell.trim() === '')) return;
    const number = index + 2;
    const label = `${file} row ${number}`;
    const row: Row = {
      number,
      label,
      get: (column) => {
        const at = position.get(column.toLowerCase());
        return at === undefined ? '' : (cells[at] ?? '').trim();
      },
      at: (column) => `${label}, ${column}`,
    };
    if (row.get('status').toLowerCase() === 'tobedeleted') {
      if (row.get('sourcedId')) table.deleted.add(row.get('sourcedId'));
      return;
    }
    table.rows.push(row);
  });
  return table;
}
