import { buildMessage, ValidateBy, ValidationOptions } from 'class-validator';

/**
 * The decimal places a number is written with, exponent included: 1.5 → 1, 1e-9 → 9,
 * 1.25e-7 → 9, 1e21 → 0. (class-validator's `IsNumber({ maxDecimalPlaces })` splits `String(v)`
 * on the dot and throws on `1e-9`, which made a 500 of `{"seconds": 1e-9}`.)
 */
export function decimalPlaces(v: number): number {
  const [mantissa, exponent] = String(Math.abs(v)).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

/** A finite number with at most `max` decimal places (a quantity the API keeps to that precision). */
export function IsDecimalNumber(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDecimalNumber',
      validator: {
        validate: (v: unknown) => typeof v === 'number' && Number.isFinite(v) && decimalPlaces(v) <= max,
        defaultMessage: buildMessage((each) => `${each}$property must be a number with at most ${max} decimal places`, options),
      },
    },
    options,
  );
}
