import { parse } from 'csv-parse/sync';
import type { ErrorDetail } from '../../../libs/errors/domain-error.js';
import { type IncomingStudent, isEmailAddress, LIMITS, normalizeEmail, type StudentField, unescapeSpreadsheetCell } from './classes.rules.js';

/** The columns a class roster CSV may have, and the header spellings accepted for each (case-insensitive). */
const COLUMNS = {
  name: ['name', 'student name', 'full name'],
  email: ['email', 'e-mail', 'email address', 'student email'],
  studentId: ['student id', 'student_id', 'studentid', 'id'],
} as const;
type Column = keyof typeof COLUMNS;

/** How error details name a column: the export's header spelling. */
export const COLUMN_LABELS: Record<Column, string> = { name: 'name', email: 'email', studentId: 'student id' };
export const MAX_ROSTER_ROWS = 5000;

export interface ParsedRoster {
  rows: IncomingStudent[];
  errors: ErrorDetail[];
}

/**
 * Reads a roster CSV (name, email, student id) into incoming students. Rows are numbered as a
 * spreadsheet shows them (the header is row 1). A missing column leaves that field of matched
 * students alone, and so does an empty cell: an import adds and corrects, it does not erase.
 */
export function parseRosterCsv(input: Buffer | string): ParsedRoster {
  let records: string[][];
  try {
    records = parse(input, { bom: true, relax_column_count: true });
  } catch (error) {
    // csv-parse reports the text line it stopped at; without multi-line cells that is the spreadsheet row.
    const line = (error as { lines?: unknown }).lines;
    const where = typeof line === 'number' ? `row ${line}` : 'file';
    return { rows: [], errors: [{ field: where, message: `The file is not valid CSV: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const header = records[0];
  if (!header || header.every((cell) => cell.trim() === '')) {
    return { rows: [], errors: [{ field: 'file', message: 'The file is empty: the first row must be a header with a name column' }] };
  }

  const errors: ErrorDetail[] = [];
  const positions: Partial<Record<Column, number>> = {};
  header.forEach((cell, index) => {
    const title = cell.trim().toLowerCase().replace(/\s+/g, ' ');
    const column = (Object.keys(COLUMNS) as Column[]).find((key) => (COLUMNS[key] as readonly string[]).includes(title));
    if (!column) return;
    if (positions[column] !== undefined) {
      errors.push({ field: `row 1, ${COLUMN_LABELS[column]}`, message: `the header has two ${COLUMN_LABELS[column]} columns ("${header[positions[column]!].trim()}" and "${cell.trim()}")` });
    } else positions[column] = index;
  });
  if (positions.name === undefined) {
    errors.push({ field: 'row 1, name', message: `the header has no name column (expected one of: ${COLUMNS.name.join(', ')})` });
  }
  if (errors.length > 0) return { rows: [], errors };

  const dataRows = records.slice(1).map((cells, index) => ({ cells, number: index + 2 })).filter(({ cells }) => cells.some((cell) => cell.trim() !== ''));
  if (dataRows.length === 0) return { rows: [], errors: [{ field: 'file', message: 'The file has a header but no student rows' }] };
  if (dataRows.length > MAX_ROSTER_ROWS) return { rows: [], errors: [{ field: 'file', message: `A class roster can have at most ${MAX_ROSTER_ROWS} rows (this file has ${dataRows.length})` }] };

  const rows: IncomingStudent[] = [];
  const firstRowWith = { email: new Map<string, number>(), studentId: new Map<string, number>() };
  for (const { cells, number } of dataRows) {
    const at = (field: StudentField) => `row ${number}, ${COLUMN_LABELS[field as Column] ?? field}`;
    const cell = (column: Column): string | undefined => {
      const position = positions[column];
      if (position === undefined) return undefined;
      return unescapeSpreadsheetCell((cells[position] ?? '').trim());
    };
    let valid = true;
    const fail = (field: StudentField, message: string) => {
      errors.push({ field: at(field), message });
      valid = false;
    };

    const name = cell('name') ?? '';
    if (name === '') fail('name', 'the name is missing');
    else if (name.length > LIMITS.name) fail('name', `the name is longer than ${LIMITS.name} characters`);

    let email: string | undefined;
    const rawEmail = cell('email');
    if (rawEmail) {
      email = normalizeEmail(rawEmail);
      if (!isEmailAddress(email)) fail('email', `"${rawEmail}" is not an email address`);
    }
    const studentId = cell('studentId') || undefined;
    if (studentId && studentId.length > LIMITS.studentId) fail('studentId', `the student id is longer than ${LIMITS.studentId} characters`);

    for (const [field, value] of [['email', email], ['studentId', studentId]] as const) {
      if (!value) continue;
      const first = firstRowWith[field].get(value);
      if (first !== undefined) fail(field, `same ${COLUMN_LABELS[field]} as row ${first}`);
      else firstRowWith[field].set(value, number);
    }
    if (valid) rows.push({ label: `row ${number}`, at, name, email, studentId });
  }
  return { rows, errors };
}
