import { fusable, fusedStatement } from './fused-reads';

describe('fused reads: which statements fuse, and the statement they make', () => {
  it('fuses plain SELECTs with numbered placeholders only', () => {
    expect(fusable('SELECT "id" FROM "instances" WHERE "id" = $1')).toBe(true);
    expect(fusable('  select g."name" from "placement_groups" g where g."id" in ($1, $2) order by g."name" asc')).toBe(true);
    // Writes, CTEs that may write, locking reads, dollar-quoted text and several statements run as sent.
    expect(fusable('INSERT INTO "t" ("a") VALUES ($1)')).toBe(false);
    expect(fusable('WITH w AS (INSERT INTO "t" VALUES ($1)) SELECT 1')).toBe(false);
    expect(fusable('SELECT "id" FROM "hosts" WHERE "id" = $1 FOR UPDATE')).toBe(false);
    expect(fusable('SELECT "id" FROM "hosts" FOR NO KEY UPDATE')).toBe(false);
    expect(fusable('SELECT $$a$$ AS "x"')).toBe(false);
    expect(fusable('SELECT $tag$a$tag$ AS "x"')).toBe(false);
    expect(fusable('SELECT 1; DELETE FROM "t"')).toBe(false);
  });

  it('one SELECT of subqueries, each one\'s rows a JSON array named by its position, placeholders numbered on', () => {
    const { sql, params } = fusedStatement([
      { sql: 'SELECT "a" FROM "t" WHERE "id" = $1 AND "k" = $2', params: ['i-1', 'x'] },
      { sql: 'SELECT "b" FROM "u" ORDER BY "b" ASC', params: [] },
      { sql: 'SELECT "c" FROM "v" WHERE "id" IN ($1, $2, $3) AND "z" = $1', params: ['i-1', 'i-2', 'i-3'] },
    ]);
    expect(sql).toBe(
      'SELECT (SELECT COALESCE(json_agg(q0), \'[]\'::json) FROM (SELECT "a" FROM "t" WHERE "id" = $1 AND "k" = $2) q0) AS "0", ' +
        '(SELECT COALESCE(json_agg(q1), \'[]\'::json) FROM (SELECT "b" FROM "u" ORDER BY "b" ASC) q1) AS "1", ' +
        '(SELECT COALESCE(json_agg(q2), \'[]\'::json) FROM (SELECT "c" FROM "v" WHERE "id" IN ($3, $4, $5) AND "z" = $3) q2) AS "2"',
    );
    expect(params).toEqual(['i-1', 'x', 'i-1', 'i-2', 'i-3']);
  });

  it('renumbers two-digit placeholders whole ($10 of the second is $12, not $2 followed by 0)', () => {
    const first = { sql: 'SELECT 1 AS "x" WHERE $1 = $2', params: [1, 1] };
    const second = { sql: `SELECT 1 AS "y" WHERE ${Array.from({ length: 10 }, (_, i) => `$${i + 1}`).join(' + ')} > 0`, params: Array.from({ length: 10 }, () => 1) };
    const { sql, params } = fusedStatement([first, second]);
    expect(sql).toContain('WHERE $3 + $4 + $5 + $6 + $7 + $8 + $9 + $10 + $11 + $12 > 0');
    expect(params).toHaveLength(12);
  });
});
