import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MinLength, ValidateNested, getMetadataStorage, validateSync } from 'class-validator';
import { memoizeValidationMetadata } from './validation-metadata';

const failures = (o: object) =>
  validateSync(o, { whitelist: true, forbidNonWhitelisted: true })
    .flatMap(function walk(e): string[] {
      return [...Object.keys(e.constraints ?? {}).map((c) => `${e.property}:${c}`), ...(e.children ?? []).flatMap(walk)];
    })
    .sort();

class Inner {
  @IsInt() @Max(10) n!: number;
}
class Launch {
  @IsString() @MinLength(3) name!: string;
  @IsOptional() @ValidateNested() @Type(() => Inner) inner?: Inner;
}
const launch = (v: Partial<Launch> & Record<string, unknown>) => Object.assign(new Launch(), v);
const inner = (n: unknown) => Object.assign(new Inner(), { n });

describe('memoizeValidationMetadata', () => {
  // What class-validator answers without the memo, decided before it is installed.
  const before = {
    valid: failures(launch({ name: 'web', inner: inner(3) })),
    short: failures(launch({ name: 'a' })),
    nested: failures(launch({ name: 'web', inner: inner(11) })),
    unknown: failures(launch({ name: 'web', extra: 1 })),
  };
  beforeAll(() => memoizeValidationMetadata());

  it('answers every validation as class-validator does without it, the second time too', () => {
    expect(before).toEqual({ valid: [], short: ['name:minLength'], nested: ['n:max'], unknown: ['extra:whitelistValidation'] });
    for (let i = 0; i < 2; i++) {
      expect(failures(launch({ name: 'web', inner: inner(3) }))).toEqual([]);
      expect(failures(launch({ name: 'a' }))).toEqual(['name:minLength']);
      expect(failures(launch({ name: 'web', inner: inner(11) }))).toEqual(['n:max']);
      expect(failures(launch({ name: 'web', extra: 1 }))).toEqual(['extra:whitelistValidation']);
      expect(failures(launch({ name: 'web', inner: inner('x') }))).toEqual(['n:isInt', 'n:max']);
    }
  });

  it('keeps one answer per class and forgets it when a rule is registered later (a class defined after, a derived one)', () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Launch, '', false, false);
    expect(storage.getTargetValidationMetadatas(Launch, '', false, false)).toBe(first);
    // A subclass decorated after the parent's rules were looked up: the parent's rules apply to it, and its own.
    class Tagged extends Launch {
      @IsString() tag!: string;
    }
    expect(storage.getTargetValidationMetadatas(Launch, '', false, false)).not.toBe(first);
    expect(failures(Object.assign(new Tagged(), { name: 'a', tag: 5 }))).toEqual(['name:minLength', 'tag:isString']);
    expect(failures(Object.assign(new Tagged(), { name: 'web', tag: 'x' }))).toEqual([]);
    // The parent is unchanged by its subclass.
    expect(failures(launch({ name: 'web', tag: 'x' }))).toEqual(['tag:whitelistValidation']);
  });

  it('hands out frozen answers: a caller cannot change the rules for everyone', () => {
    const storage = getMetadataStorage();
    const rules = storage.getTargetValidationMetadatas(Launch, '', false, false);
    expect(() => (rules as unknown[]).push({})).toThrow(TypeError);
    const grouped = storage.groupByPropertyName(rules);
    expect(Object.keys(grouped).sort()).toEqual(['inner', 'name']);
    expect(storage.groupByPropertyName(rules)).toBe(grouped);
    expect(() => grouped.name.pop()).toThrow(TypeError);
  });

  it('is installed once however often it is called', () => {
    const storage = getMetadataStorage();
    const lookup = storage.getTargetValidationMetadatas;
    memoizeValidationMetadata();
    expect(storage.getTargetValidationMetadatas).toBe(lookup);
  });
});
