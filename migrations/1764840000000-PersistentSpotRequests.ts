import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Persistent Spot requests and RequestSpotInstances (docs/ec2.md, "Spot Instances"): each request's
 * launch (what a persistent request launches again), its ValidFrom and ValidUntil, and
 * RequestSpotInstances' ClientToken with the hash of its request. Null for the requests there
 * were (one-time, made by RunInstances). Plain ALTER TABLE, which both databases run in place; the
 * revert drops the columns (the persistent requests then read as requests the code before knew).
 */
export class PersistentSpotRequests1764840000000 implements MigrationInterface {
  name = 'PersistentSpotRequests1764840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "spot_instance_requests" ADD COLUMN "launch_spec" text');
    await q.query('ALTER TABLE "spot_instance_requests" ADD COLUMN "valid_from" bigint');
    await q.query('ALTER TABLE "spot_instance_requests" ADD COLUMN "valid_until" bigint');
    await q.query('ALTER TABLE "spot_instance_requests" ADD COLUMN "client_token" varchar(64)');
    await q.query('ALTER TABLE "spot_instance_requests" ADD COLUMN "request_hash" varchar(64)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['request_hash', 'client_token', 'valid_until', 'valid_from', 'launch_spec']) await q.query(`ALTER TABLE "spot_instance_requests" DROP COLUMN "${c}"`);
  }
}
