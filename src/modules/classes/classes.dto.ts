import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { LIMITS } from './classes.rules.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Emails are stored lowercase; an empty string means "none". */
const trimLowerToNull = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() || null : value);
/** Optional text where an empty string means "none". */
const trimToNull = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value);
const present = (_: object, value: unknown) => value !== undefined;

// ---- classes ----

export class CreateClassDto {
  /** For example "3rd Period Math". */
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.name)
  name: string;

  /** For example "3rd" or "6th". */
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(LIMITS.classText)
  gradeLevel?: string | null;

  /** Math, ELA, Science, ... */
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(LIMITS.classText)
  subject?: string | null;

  /** For example "2025-2026". */
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(LIMITS.classText)
  academicYear?: string | null;
}

/** Only the fields sent change; send null to clear an optional field. */
export class UpdateClassDto {
  @ValidateIf(present)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.name)
  name?: string;

  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(LIMITS.classText)
  @ApiPropertyOptional({ type: String, nullable: true })
  gradeLevel?: string | null;

  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(LIMITS.classText)
  @ApiPropertyOptional({ type: String, nullable: true })
  subject?: string | null;

  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(LIMITS.classText)
  @ApiPropertyOptional({ type: String, nullable: true })
  academicYear?: string | null;
}

export class ListClassesParams extends PageQuery {
  /** Include archived classes (hidden by default). */
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeArchived?: boolean;
}

export class ClassDto {
  id: string;
  name: string;
  gradeLevel: string | null;
  subject: string | null;
  academicYear: string | null;
  schoolId: string | null;
  /** Set when the class was archived; archived classes are read-only. */
  archivedAt: Date | null;
  /** Send it back in If-Match to update only what you read. */
  version: number;
  studentCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export class ClassPageDto {
  @ApiProperty({ type: [ClassDto] })
  items: ClassDto[];
  page: number;
  pageSize: number;
  total: number;
}

// ---- students ----

export class CreateStudentDto {
  /** The student's full name. */
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.name)
  name: string;

  /** Stored lowercase; unique within the class. */
  @IsOptional()
  @Transform(trimLowerToNull)
  @IsEmail()
  @MaxLength(LIMITS.email)
  email?: string | null;

  /** The school-assigned student id; unique within the class. */
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(LIMITS.studentId)
  studentId?: string | null;
}

/** Only the fields sent change; send null to clear email or studentId. */
export class UpdateStudentDto {
  @ValidateIf(present)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.name)
  name?: string;

  @IsOptional()
  @Transform(trimLowerToNull)
  @IsEmail()
  @MaxLength(LIMITS.email)
  @ApiPropertyOptional({ type: String, nullable: true })
  email?: string | null;

  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(LIMITS.studentId)
  @ApiPropertyOptional({ type: String, nullable: true })
  studentId?: string | null;
}

export class ListStudentsParams extends PageQuery {
  /** Part of a student's name (case-insensitive). */
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.name)
  q?: string;
}

export class StudentDto {
  id: string;
  classId: string;
  name: string;
  email: string | null;
  studentId: string | null;
  /** Send it back in If-Match to update only what you read. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export class StudentPageDto {
  @ApiProperty({ type: [StudentDto] })
  items: StudentDto[];
  page: number;
  pageSize: number;
  total: number;
}

// ---- rosters ----

/**
 * A roster CSV: a header row, then one student per row. Columns (any order, case-insensitive):
 * name ("name", "student name" or "full name"), email, student id ("student id", "student_id",
 * "studentid" or "id"); other columns are ignored. Send it as multipart field `file` or as a
 * `text/csv` body.
 */
export class RosterUploadDto {
  @ApiProperty({ type: 'string', format: 'binary' })
  file: unknown;
}

/** What a roster import did. Nothing is written when any row is wrong. */
export class RosterImportResultDto {
  added: number;
  updated: number;
  unchanged: number;
}

export class OneRosterUploadDto {
  /** A OneRoster 1.1 or 1.2 CSV bundle (zip with manifest.csv, orgs.csv, users.csv, classes.csv, enrollments.csv, and optionally academicSessions.csv, roles.csv). */
  @ApiProperty({ type: 'string', format: 'binary' })
  file: unknown;
}

export class ImportCountsDto {
  created: number;
  updated: number;
  unchanged: number;
}

/** What a OneRoster import did, per kind. Nothing is written when any row is wrong. */
export class OneRosterImportResultDto {
  /** The id of the import's activity log stream; null when nothing changed. */
  @ApiProperty({ type: String, nullable: true })
  importId: string | null;
  @ApiProperty({ enum: ['1.1', '1.2'] })
  version: '1.1' | '1.2';
  schools: ImportCountsDto;
  teachers: ImportCountsDto;
  classes: ImportCountsDto;
  students: ImportCountsDto;
}
