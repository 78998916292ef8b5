import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { strToU8, zipSync } from 'fflate';

/** One CSV file of a bundle: rows as objects; the header is the union of their keys, in first-seen order. */
export type CsvRows = Array<Record<string, string>>;

export interface OneRosterData {
  version: '1.1' | '1.2';
  manifest?: CsvRows;
  orgs: CsvRows;
  academicSessions?: CsvRows;
  classes: CsvRows;
  users: CsvRows;
  enrollments: CsvRows;
  /** 1.2 only: user roles live in roles.csv. */
  roles?: CsvRows;
}

export function csvOf(rows: CsvRows): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return stringify(
    rows.map((row) => columns.map((column) => row[column] ?? '')),
    { header: true, columns },
  );
}

/** Zips the data as a OneRoster CSV bundle; `omit` leaves files out, `extra` adds raw files. */
export function oneRosterZip(data: OneRosterData, options: { omit?: string[]; extra?: Record<string, string> } = {}): Buffer {
  const manifest = data.manifest ?? [
    { propertyName: 'manifest.version', value: '1.0' },
    { propertyName: 'oneroster.version', value: data.version },
    { propertyName: 'file.orgs', value: 'bulk' },
    { propertyName: 'file.users', value: 'bulk' },
    { propertyName: 'file.classes', value: 'bulk' },
    { propertyName: 'file.enrollments', value: 'bulk' },
    { propertyName: 'file.academicSessions', value: data.academicSessions ? 'bulk' : 'absent' },
    { propertyName: 'file.roles', value: data.roles ? 'bulk' : 'absent' },
  ];
  const files: Record<string, string> = {
    'manifest.csv': csvOf(manifest),
    'orgs.csv': csvOf(data.orgs),
    'classes.csv': csvOf(data.classes),
    'users.csv': csvOf(data.users),
    'enrollments.csv': csvOf(data.enrollments),
    ...(data.academicSessions ? { 'academicSessions.csv': csvOf(data.academicSessions) } : {}),
    ...(data.roles ? { 'roles.csv': csvOf(data.roles) } : {}),
    ...options.extra,
  };
  for (const name of options.omit ?? []) delete files[name];
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)]))));
}

export interface SampleDistrict {
  data: OneRosterData;
  /** Unique per call: sourcedIds and emails carry it, so bundles never collide across tests. */
  tag: string;
  id(name: string): string;
  email(local: string): string;
}

const modified = '2026-08-01T00:00:00.000Z';

/**
 * A small district: Lakeside Unified with two schools, one school year, two classes, three
 * teachers (one already a HandMark user in the tests that say so) and four students, plus rows
 * a real SIS export has (a tobedeleted school, class and enrollment, an aide enrollment, a parent).
 * Written in the column layout of the given OneRoster version.
 */
export function sampleDistrict(version: '1.1' | '1.2'): SampleDistrict {
  const tag = randomUUID().slice(0, 8);
  const id = (name: string) => `${name}-${tag}`;
  const email = (local: string) => `${local}.${tag}@lakeside.test`;
  const status = (value = 'active') => ({ status: value, dateLastModified: modified });

  const orgs: CsvRows = [
    { sourcedId: id('district'), ...status(), name: 'Lakeside Unified', type: 'district', identifier: 'LUSD', parentSourcedId: '' },
    { sourcedId: id('elementary'), ...status(), name: 'Lakeside Elementary', type: 'school', identifier: 'LE', parentSourcedId: id('district') },
    { sourcedId: id('middle'), ...status(), name: 'Hilltop Middle', type: 'school', identifier: 'HM', parentSourcedId: id('district') },
    { sourcedId: id('closed'), ...status('tobedeleted'), name: 'Old School', type: 'school', identifier: 'OS', parentSourcedId: id('district') },
  ];
  const academicSessions: CsvRows = [
    { sourcedId: id('year'), ...status(), title: '2025-2026', type: 'schoolYear', startDate: '2025-08-15', endDate: '2026-06-10', parentSourcedId: '', schoolYear: '2026' },
    { sourcedId: id('fall'), ...status(), title: 'Fall 2025', type: 'semester', startDate: '2025-08-15', endDate: '2025-12-19', parentSourcedId: id('year'), schoolYear: '2026' },
  ];
  const classes: CsvRows = [
    { sourcedId: id('math3'), ...status(), title: '3rd Grade Math', grades: '03', courseSourcedId: id('course-math'), classCode: 'M3-1', classType: 'scheduled', location: 'Room 12', schoolSourcedId: id('elementary'), termSourcedIds: id('fall'), subjects: 'Math', subjectCodes: '', periods: '1' },
    { sourcedId: id('ela6'), ...status(), title: '6th Grade ELA', grades: '06,07', courseSourcedId: id('course-ela'), classCode: 'E6-2', classType: 'scheduled', location: 'Room 4', schoolSourcedId: id('middle'), termSourcedIds: id('fall'), subjects: 'ELA', subjectCodes: '', periods: '2' },
    { sourcedId: id('gone'), ...status('tobedeleted'), title: 'Cancelled', grades: '05', courseSourcedId: '', classCode: '', classType: 'scheduled', location: '', schoolSourcedId: id('closed'), termSourcedIds: id('fall'), subjects: '', subjectCodes: '', periods: '' },
  ];
  const person = (key: string, role: string, givenName: string, familyName: string, fields: Record<string, string>) => {
    const base = { sourcedId: id(key), ...status(), enabledUser: 'true' };
    const org = fields.org;
    const rest = { username: fields.email ?? `${key}-${tag}`, userIds: '', givenName, familyName, middleName: '', identifier: fields.identifier ?? '', email: fields.email ?? '', sms: '', phone: '', agentSourcedIds: '', grades: fields.grades ?? '', password: '' };
    return version === '1.1' ? { ...base, orgSourcedIds: org, role, ...rest } : { ...base, ...rest, userMasterIdentifier: '', preferredGivenName: '', preferredMiddleName: '', preferredFamilyName: '', primaryOrgSourcedId: org, pronouns: '' };
  };
  const people: Array<{ key: string; role: string; row: Record<string, string> }> = [
    { key: 'rivera', role: 'teacher', row: person('rivera', 'teacher', 'Maria', 'Rivera', { email: email('maria.rivera'), org: id('elementary'), identifier: 'T-100' }) },
    { key: 'park', role: 'teacher', row: person('park', 'teacher', 'John', 'Park', { email: email('john.park'), org: id('middle'), identifier: 'T-200' }) },
    { key: 'okafor', role: 'teacher', row: person('okafor', 'teacher', 'Ada', 'Okafor', { email: email('ada.okafor'), org: id('elementary'), identifier: 'T-300' }) },
    { key: 'lee', role: 'student', row: person('lee', 'student', 'Ava', 'Lee', { email: `AVA.LEE.${tag}@Lakeside.TEST`, org: id('elementary'), identifier: 'S-001', grades: '03' }) },
    { key: 'nguyen', role: 'student', row: person('nguyen', 'student', 'Minh', 'Nguyen', { email: email('minh.nguyen'), org: id('elementary'), identifier: 'S-002', grades: '03' }) },
    { key: 'garcia', role: 'student', row: person('garcia', 'student', 'Lucia', 'Garcia', { org: id('elementary'), identifier: 'S-003', grades: '03' }) },
    { key: 'smith', role: 'student', row: person('smith', 'student', 'Noah', 'Smith', { email: email('noah.smith'), org: id('middle'), identifier: 'S-004', grades: '06' }) },
    { key: 'lee-parent', role: 'parent', row: person('lee-parent', 'parent', 'Grace', 'Lee', { email: 'not an email', org: id('elementary') }) },
  ];
  const users = people.map((p) => p.row);
  const roles: CsvRows | undefined =
    version === '1.2'
      ? people.map((p) => ({ sourcedId: id(`role-${p.key}`), status: 'active', dateLastModified: modified, userSourcedId: id(p.key), roleType: 'primary', role: p.role, beginDate: '', endDate: '', orgSourcedId: p.row.primaryOrgSourcedId, userProfileSourcedId: '' }))
      : undefined;

  const enrollment = (key: string, classKey: string, userKey: string, role: string, primary: string, schoolKey: string, rowStatus = 'active') => ({
    sourcedId: id(`enr-${key}`),
    ...status(rowStatus),
    classSourcedId: id(classKey),
    schoolSourcedId: id(schoolKey),
    userSourcedId: id(userKey),
    role,
    primary,
    beginDate: '2025-08-15',
    endDate: '2026-06-10',
  });
  const enrollments: CsvRows = [
    enrollment('1', 'math3', 'okafor', 'teacher', 'false', 'elementary'),
    enrollment('2', 'math3', 'rivera', 'teacher', 'true', 'elementary'),
    enrollment('3', 'math3', 'lee', 'student', 'false', 'elementary'),
    enrollment('4', 'math3', 'nguyen', 'student', 'false', 'elementary'),
    enrollment('5', 'math3', 'garcia', 'student', 'false', 'elementary'),
    enrollment('6', 'math3', 'lee-parent', 'aide', 'false', 'elementary'),
    enrollment('7', 'ela6', 'park', 'teacher', 'false', 'middle'),
    enrollment('8', 'ela6', 'smith', 'student', 'false', 'middle'),
    enrollment('9', 'ela6', 'lee', 'student', 'false', 'middle'),
    enrollment('10', 'ela6', 'nguyen', 'student', 'false', 'middle', 'tobedeleted'),
    enrollment('11', 'gone', 'park', 'teacher', 'true', 'closed', 'tobedeleted'),
  ];
  return { data: { version, orgs, academicSessions, classes, users, enrollments, roles }, tag, id, email };
}
