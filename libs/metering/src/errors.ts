/**
 * Typed billing errors. They carry a stable `code` and the same `isDomainError` mark as the
 * hypervisor's DomainError, so the app's one exception filter maps them without this lib
 * importing the hypervisor (the dependency rule).
 */
export class MeteringError extends Error {
  readonly isDomainError = true;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** A usage record that cannot be rated as written (bad times, units or fields). */
export class InvalidUsageRecord extends MeteringError {
  constructor(recordId: string, reason: string) {
    super('InvalidUsageRecord', `Usage record '${recordId}' is invalid: ${reason}.`);
  }
}

/** Two records share an idempotency key but say different things: a writer bug, never silently resolved. */
export class UsageRecordConflict extends MeteringError {
  constructor(recordId: string) {
    super('UsageRecordConflict', `Two usage records share the id '${recordId}' but differ in content.`);
  }
}

/** No price for something that ran: closing a month must not silently drop a charge. */
export class PriceNotFound extends MeteringError {
  constructor(what: string) {
    super('PriceNotFound', `No price for ${what}.`);
  }
}

export class InvalidPriceBook extends MeteringError {
  constructor(reason: string) {
    super('InvalidPriceBook', `The price book is invalid: ${reason}.`);
  }
}

export class InvalidBillingMonth extends MeteringError {
  constructor(month: string) {
    super('InvalidBillingMonth', `'${month}' is not a billing month (expected YYYY-MM).`);
  }
}

export class InvalidCreditPolicy extends MeteringError {
  constructor(reason: string) {
    super('InvalidCreditPolicy', `The credit policy is invalid: ${reason}.`);
  }
}
