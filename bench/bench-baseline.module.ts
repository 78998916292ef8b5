import { Body, Controller, Module, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuthenticatedUser, CurrentUser } from '../src/common/request-context.js';
import { CreateClassDto } from '../src/modules/classes/classes.dto.js';

/**
 * What an unaudited HandMark would do for POST /api/classes: the same guard, the same body
 * validation and the same class row in the same table (its constraints, indexes and foreign keys
 * included), one plain INSERT in autocommit; no transaction, no event, no read model, no seal.
 * The ratio between the two is what the audit costs.
 */
@Controller('bench')
export class BenchBaselineController {
  constructor(private readonly dataSource: DataSource) {}

  /** Answers with the same fields as POST /api/classes, so both responses cost the same to send. */
  @Post('baseline')
  async create(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateClassDto): Promise<Record<string, unknown>> {
    const [row]: Array<{ id: string; school_id: string | null; name: string; grade_level: string | null; subject: string | null; academic_year: string | null; created_at: Date }> =
      await this.dataSource.query(
        `INSERT INTO classes (user_id, school_id, name, grade_level, subject, academic_year) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, school_id, name, grade_level, subject, academic_year, created_at`,
        [user.id, user.schoolId ?? null, body.name, body.gradeLevel ?? null, body.subject ?? null, body.academicYear ?? null],
      );
    return {
      id: row.id,
      name: row.name,
      gradeLevel: row.grade_level,
      subject: row.subject,
      academicYear: row.academic_year,
      schoolId: row.school_id,
      archivedAt: null,
      version: 1,
      studentCount: 0,
      createdAt: row.created_at,
      updatedAt: row.created_at,
    };
  }
}

/** Mounted only by the benchmark, through createApp's extraModules. */
@Module({ controllers: [BenchBaselineController] })
export class BenchBaselineModule {}
