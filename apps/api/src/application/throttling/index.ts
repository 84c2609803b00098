export * from './operations';
export * from './request-limits';
export * from './request-throttle';
