/** For unit tests: the `code` of what `f` throws (an ApiError's, a DomainError's), or undefined when it returns. */
export function errorCodeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}
