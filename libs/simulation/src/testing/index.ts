export * from './test-world';
