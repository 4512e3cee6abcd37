// The Oracle dialect's stand-in server: H2 2.1 in Oracle mode, in the test process's JVM, through PrismaPoolJdbc (whose
// Oracle dialect runs the same translator as the oracledb adapter, for target 'h2'). Each database is a private
// in-memory one, its tables made by the package's DDL generator from the test schema.
import { randomBytes } from 'node:crypto'
import { PrismaPoolJdbc } from '@prisma-pool/jdbc'
import { TEST_CLASSPATH } from '../../../../test-support/jdbc/classpath.js'
import { openDialectSide, type DialectSide, type Wrap } from './dialect-side.js'

/** A fresh in-memory H2 database in Oracle mode with the test schema's tables; `wrap` gets the adapter first (the recorder). */
export function openH2Side(prefix: string, wrap: Wrap): Promise<DialectSide> {
  // DB_CLOSE_DELAY=-1: the database lives as long as the JVM, not as long as its last connection. NULLs sort as in
  // Oracle (and PostgreSQL): last ascending, first descending; H2's Oracle mode alone sorts them first ascending.
  const url = `jdbc:h2:mem:pp_${prefix}_${randomBytes(4).toString('hex')};MODE=Oracle;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1`
  return openDialectSide(new PrismaPoolJdbc({ url, classpath: TEST_CLASSPATH, pool: { size: 3 } }), 'h2', wrap)
}
