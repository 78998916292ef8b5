import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read-model rows are rewritten by every command that changes them, in place and never on their
 * key. With half of each page left free, PostgreSQL writes the new row version on the same page
 * and leaves the primary-key index alone (a HOT update) instead of adding an index entry per
 * write. Pages written from now on keep the space; `VACUUM FULL assignment_stats` in a quiet hour
 * repacks the existing ones (teacher_dashboard is replaced by DashboardClasses, created with it).
 */
export class ReadModelFillfactor1764120000000 implements MigrationInterface {
  name = 'ReadModelFillfactor1764120000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of READ_MODEL_TABLES) await queryRunner.query(`ALTER TABLE ${table} SET (fillfactor = 50)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of READ_MODEL_TABLES) await queryRunner.query(`ALTER TABLE ${table} RESET (fillfactor)`);
  }
}

const READ_MODEL_TABLES = ['teacher_dashboard', 'assignment_stats'];
