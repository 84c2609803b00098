import { DomainError } from '@nimbus/hypervisor';

/** Errors raised by the app itself (auth, request shape); libs raise their own DomainErrors. */
export class ApiError extends DomainError {}

export const authFailure = (message = 'AWS was not able to validate the provided access credentials') => new ApiError('AuthFailure', message);
export const unauthorized = (message = 'You are not authorized to perform this operation.') => new ApiError('UnauthorizedOperation', message);
export const invalidParameter = (message: string) => new ApiError('InvalidParameterValue', message);
export const notFound = (code: string, message: string) => new ApiError(code, message);
