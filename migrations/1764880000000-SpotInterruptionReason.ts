import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Spot interruptions for capacity (docs/model.md, "Spot interruptions"): why EC2 gave a request's
 * instance its two-minute notice, `price` or `capacity`, so that a notice in flight across a restart
 * still ends with its own status code (`instance-terminated-by-price` or `…-no-capacity`). Null for
 * the requests there were (no notice was then given for anything but price, which null reads as).
 * Plain ALTER TABLE, which both databases run in place; the revert drops the column.
 */
export class SpotInterruptionReason1764880000000 implements MigrationInterface {
  name = 'SpotInterruptionReason1764880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "spot_instance_requests" ADD COLUMN "interruption_reason" varchar(16)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "spot_instance_requests" DROP COLUMN "interruption_reason"');
  }
}
