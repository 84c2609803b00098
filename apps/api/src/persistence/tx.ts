import { EntityManager } from 'typeorm';

/**
 * A transaction of the write path, as the application layer sees it: it passes it to the
 * persistence layer's repositories and never uses TypeORM itself (lint keeps TypeORM in persistence/).
 */
export type Tx = EntityManager;
