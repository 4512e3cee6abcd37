// Run by the engines' connect-error tests in a child process, with DEBUG set as an application would set it: one
// query through the adapter of `engine` on `url`, which is expected to fail to connect. Exits with 0 once it has.
// `node --import tsx test-support/debug-connect.ts pg|mysql <url>`, from the repository root (tsconfig paths).
const [engine, url] = process.argv.slice(2)
const { PrismaPoolPg } = await import('@prisma-pool/pg')
const { PrismaPoolMySql } = await import('@prisma-pool/mysql')
const factory = engine === 'pg' ? new PrismaPoolPg(url) : new PrismaPoolMySql(url)
const adapter = await factory.connect().catch(() => undefined)
const failed = await adapter?.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] }).then(
  () => false,
  () => true,
)
await adapter?.dispose()
process.exit(adapter === undefined || failed ? 0 : 1)
