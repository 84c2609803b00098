import { MAX_NAMED_STATEMENTS, StatementNames, USES_BEFORE_NAMING } from './named-statements';

describe('StatementNames', () => {
  it('names a text on its third use (two unnamed first), then always the same name', () => {
    expect(USES_BEFORE_NAMING).toBe(2);
    const names = new StatementNames();
    const sql = 'SELECT "id" FROM "instances" WHERE "id" = $1';
    expect([names.nameFor(sql), names.nameFor(sql)]).toEqual([undefined, undefined]);
    expect(names.nameFor(sql)).toBe('nimbus_1');
    expect(names.nameFor(sql)).toBe('nimbus_1');
    expect(names.named).toBe(1);
  });

  it('gives each text its own name, whichever order they are used in', () => {
    const names = new StatementNames(0);
    expect(['b', 'a', 'b', 'c', 'a'].map((t) => names.nameFor(t))).toEqual(['nimbus_1', 'nimbus_2', 'nimbus_1', 'nimbus_3', 'nimbus_2']);
  });

  it('counts uses per text: uses of other texts in between do not name one', () => {
    const names = new StatementNames(1);
    expect(names.nameFor('a')).toBeUndefined();
    expect(names.nameFor('b')).toBeUndefined();
    expect(names.nameFor('a')).toBe('nimbus_1');
    expect(names.nameFor('c')).toBeUndefined();
    expect(names.nameFor('b')).toBe('nimbus_2');
  });

  it('names at most the limit: a text past it runs unnamed, those named keep their names', () => {
    expect(MAX_NAMED_STATEMENTS).toBe(1000);
    const names = new StatementNames(0, 2);
    expect(['a', 'b', 'c', 'c', 'a', 'd', 'b'].map((t) => names.nameFor(t))).toEqual(['nimbus_1', 'nimbus_2', undefined, undefined, 'nimbus_1', undefined, 'nimbus_2']);
    expect(names.named).toBe(2);
  });

  it('stops counting new texts after 10,000 of them: a new text is never named then, one already counted still is', () => {
    const names = new StatementNames(1);
    for (let i = 0; i < 10_000; i++) expect(names.nameFor(`t${i}`)).toBeUndefined();
    expect(names.nameFor('new')).toBeUndefined();
    expect(names.nameFor('new')).toBeUndefined();
    expect(names.nameFor('t9999')).toBe('nimbus_1');
  });
});
