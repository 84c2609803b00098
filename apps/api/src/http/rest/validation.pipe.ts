import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError } from '../../application/common/api-errors';
import { memoizeValidationMetadata } from './validation-metadata';

function flatten(errors: ValidationError[], prefix = ''): { path: string; value: unknown; constraints: Record<string, string> }[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ path, value: e.value, constraints: e.constraints }] : [];
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * Rejects unknown fields and wrong types with a 400 in the API's error shape. A required field
 * that is absent is `MissingParameter`, as EC2 says it; anything else is `ValidationError`.
 */
export function createValidationPipe(): ValidationPipe {
  memoizeValidationMetadata();
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const flat = flatten(errors);
      const missing = flat.find((f) => f.value === undefined && ('isDefined' in f.constraints || 'isNotEmpty' in f.constraints));
      if (missing) return new ApiError('MissingParameter', `The request must contain the parameter ${missing.path}`);
      const messages = flat.map((f) =>
        f.constraints.whitelistValidation ? `unknown field '${f.path}'` : Object.values(f.constraints).join('; '),
      );
      return new ApiError('ValidationError', messages.join('; '));
    },
  });
}
