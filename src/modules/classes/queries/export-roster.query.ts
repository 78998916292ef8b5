import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { stringify } from 'csv-stringify/sync';
import { DataSource } from 'typeorm';
import { escapeSpreadsheetCell } from '../classes.rules.js';
import { Student } from '../student.entity.js';
import { findOwnedClass } from './get-class.query.js';

export interface RosterExport {
  filename: string;
  csv: string;
}

/** The roster as CSV (name, email, student id), in the format the roster import reads back. */
export class ExportRosterQuery extends Query<RosterExport> {
  constructor(
    readonly viewerId: string,
    readonly classId: string,
  ) {
    super();
  }
}

@QueryHandler(ExportRosterQuery)
export class ExportRosterHandler implements IQueryHandler<ExportRosterQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewerId, classId }: ExportRosterQuery): Promise<RosterExport> {
    const cls = await findOwnedClass(this.dataSource.manager, viewerId, classId);
    const students = await this.dataSource.getRepository(Student).find({ where: { classId }, order: { name: 'ASC', id: 'ASC' } });
    const csv = stringify(
      students.map((s) => [s.name, s.email, s.studentId].map(escapeSpreadsheetCell)),
      { header: true, columns: ['name', 'email', 'student id'] },
    );
    return { filename: `${slug(cls.name)}-roster.csv`, csv };
  }
}

function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/[\s_]+/g, '-')
      .toLowerCase()
      .slice(0, 60) || 'class'
  );
}
