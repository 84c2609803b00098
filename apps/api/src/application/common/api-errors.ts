import { DomainError } from '@nimbus/hypervisor';

/** Errors raised by the app itself (auth, request shape); libs raise their own DomainErrors. */
export class ApiError extends DomainError {}

export const authFailure = (message = 'AWS was not able to validate the provided access credentials') => new ApiError('AuthFailure', message);
export const unauthorized = (message = 'You are not authorized to perform this operation.') => new ApiError('UnauthorizedOperation', message);
export const invalidParameter = (message: string) => new ApiError('InvalidParameterValue', message);

/** EC2's answer to a client token used again with a different request (the token echoed to 128 characters at the most). */
export const idempotentMismatch = (clientToken: string) => new ApiError('IdempotentParameterMismatch', `The client token '${clientToken.slice(0, 128)}' was used with a different request`);
export const notFound = (code: string, message: string) => new ApiError(code, message);
