/**
 * Typed domain errors. Each carries EC2's error code; the app maps codes to HTTP statuses in one
 * exception filter, so libs never know about HTTP.
 */
export class DomainError extends Error {
  readonly isDomainError = true;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export class InvalidParameterValue extends DomainError {
  constructor(message: string) {
    super('InvalidParameterValue', message);
  }
}

export class IncorrectInstanceState extends DomainError {
  constructor(instanceId: string, state: string, operation: string) {
    super('IncorrectInstanceState', `The instance '${instanceId}' is in state '${state}' and cannot be ${operation}.`);
  }
}

export class NotFound extends DomainError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

export class ResourceInUse extends DomainError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}
