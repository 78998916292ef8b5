import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read-model rows no longer record the last position they saw: projectors read only what an event
 * carries before it is appended, so the write path can evolve a cached row and compare-and-swap it
 * in the same exchange as the append. handmark_expect_rows is that swap's check.
 */
export class OptimisticProjectionWrites1764110000000 implements MigrationInterface {
  name = 'OptimisticProjectionWrites1764110000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE teacher_dashboard DROP COLUMN last_position`);
    await queryRunner.query(`ALTER TABLE assignment_stats DROP COLUMN last_position`);
    await queryRunner.query(`
      CREATE FUNCTION handmark_expect_rows(actual bigint, expected integer) RETURNS boolean
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF actual <> expected THEN
          RAISE EXCEPTION 'a read-model row changed since this server cached it (% rows matched, % expected)', actual, expected
            USING ERRCODE = 'HM001', HINT = 'The command is retried with the row locked.';
        END IF;
        RETURN true;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION handmark_expect_rows(bigint, integer)`);
    // Positions are not recoverable from the rows; npm run projections:rebuild recomputes the read models.
    await queryRunner.query(`ALTER TABLE assignment_stats ADD COLUMN last_position bigint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE teacher_dashboard ADD COLUMN last_position bigint NOT NULL DEFAULT 0`);
  }
}
