import { MigrationInterface, QueryRunner } from 'typeorm';
import { ipv4Range } from '../apps/api/src/application/networking/cidr';

interface RuleRow {
  readonly id: string;
  readonly group_id: string;
  readonly is_egress: boolean | number | string;
  readonly ip_protocol: string;
  readonly from_port: number | string | null;
  readonly to_port: number | string | null;
  readonly cidr_ipv4: string;
}

/**
 * Security group rules' IPv4 ranges masked to their network address, as authorize has masked them
 * since the rule was made EC2's (`ipv4Range`: `10.0.0.1/8` is the rule `10.0.0.0/8`). Rules stored
 * before kept the text they were given, so a revoke by range (which masks what it names) did not
 * find them, and a masked rule could be authorized beside one: the same rule twice.
 *
 * Each stored range is masked by that same function. Where masking makes two rules of a group the
 * same rule (direction, protocol, ports and range: `sameRule`), the one authorized first (lowest
 * `position`, then id) is kept with its description and tags, and the others are deleted with
 * their tags (`network_tags` rows of their `sgr-` ids), as if EC2 had refused them as duplicates.
 * A stored range that is not a block (none should be) is left as it is.
 *
 * Down: nothing. The unmasked text is not kept, the deleted duplicates were the same rule as the
 * one kept, and the code of the version before reads masked ranges as it reads its own.
 */
export class MaskedRuleRanges1764700000000 implements MigrationInterface {
  name = 'MaskedRuleRanges1764700000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    const p = (n: number) => (postgres ? `$${n}` : '?');
    const rows = (await q.query(
      'SELECT "id", "group_id", "is_egress", "ip_protocol", "from_port", "to_port", "cidr_ipv4" FROM "security_group_rules" WHERE "cidr_ipv4" IS NOT NULL ORDER BY "group_id", "position", "id"',
    )) as RuleRow[];
    const kept = new Set<string>();
    const duplicates: string[] = [];
    const masked: { id: string; range: string }[] = [];
    for (const r of rows) {
      let range: string;
      try {
        range = ipv4Range(r.cidr_ipv4);
      } catch {
        range = r.cidr_ipv4;
      }
      const egress = r.is_egress === true || r.is_egress === 1 || r.is_egress === '1' || r.is_egress === 't' || r.is_egress === 'true';
      const key = JSON.stringify([r.group_id, egress, r.ip_protocol, r.from_port === null ? null : Number(r.from_port), r.to_port === null ? null : Number(r.to_port), range]);
      if (kept.has(key)) duplicates.push(r.id);
      else {
        kept.add(key);
        if (range !== r.cidr_ipv4) masked.push({ id: r.id, range });
      }
    }
    for (let i = 0; i < duplicates.length; i += 500) {
      const batch = duplicates.slice(i, i + 500);
      const list = batch.map((_, n) => p(n + 1)).join(', ');
      await q.query(`DELETE FROM "network_tags" WHERE "resource_id" IN (${list})`, batch);
      await q.query(`DELETE FROM "security_group_rules" WHERE "id" IN (${list})`, batch);
    }
    for (const m of masked) await q.query(`UPDATE "security_group_rules" SET "cidr_ipv4" = ${p(1)} WHERE "id" = ${p(2)}`, [m.range, m.id]);
  }

  async down(): Promise<void> {
    // Masking is not undone (the unmasked text is not kept) and the duplicates are not brought back: see above.
  }
}
