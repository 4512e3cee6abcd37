// H2 in Oracle mode (jdbc:h2:…;MODE=Oracle) through the Oracle dialect of @prisma-pool/oracle: the adapter declares the
// postgres provider, and Prisma's PostgreSQL SQL is translated into Oracle SQL by the same translator the oracledb
// adapter uses, for target 'h2' (a RETURNING becomes a data change delta table, FINAL TABLE (INSERT …), which H2 has
// in place of Oracle's RETURNING … INTO). It is the stand-in the Oracle dialect's Prisma-level tests run on.
import { featureNotSupported, TranslationCache, type BindSource, type OracleStep } from '@prisma-pool/oracle/dialect'
import { DriverAdapterError, type ArgType, type Error as AdapterError, type SqlQuery } from '@prisma/driver-adapter-utils'
import type { ColumnReader, JdbcColumn, JdbcDialect, JdbcError, PlannedStatement } from '../dialect.js'
import { genericBind } from '../bind.js'
import { genericColumn, READERS, T } from './generic.js'

/** `:1`, `:2` … (the translator's placeholders, Oracle's) → `?`, outside string literals, quoted names and comments. */
export function questionMarks(sql: string): string {
  let out = ''
  let from = 0
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1)
      // A doubled quote inside ('it''s') is two literals back to back, which this skips the same way.
      i = end < 0 ? sql.length : end
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      i = end < 0 ? sql.length : end
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end < 0 ? sql.length : end + 1
    } else if (c === ':' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let end = i + 1
      while (end < sql.length && /[0-9]/.test(sql[end]!)) end++
      out += `${sql.slice(from, i)}?`
      from = end
      i = end - 1
    }
  }
  return out + sql.slice(from)
}

/** Prisma's argument types for the values the translator fixes itself (a boolean literal's 1 or 0 …). */
const FIXED_TYPE = { number: { scalarType: 'int', arity: 'scalar' }, string: { scalarType: 'string', arity: 'scalar' } } as const

/** H2's SQLSTATEs and error codes (org.h2.api.ErrorCode) for what Prisma tells apart. */
function convertH2Error(error: JdbcError): AdapterError | undefined {
  const { sqlState, message } = error
  // `Unique index or primary key violation: "PUBLIC.User_email_key_INDEX_2 ON PUBLIC.""User""(""email"" …) VALUES …"`
  const columns = () => {
    const list = /\bON [^(]*\(([^)]*)\)/.exec(message)?.[1]
    return list ? list.split(',').map((part) => part.trim().replace(/ NULLS (FIRST|LAST)$/, '').replace(/^"+|"+$/g, '')) : undefined
  }
  switch (sqlState) {
    case '23505': {
      const fields = columns()
      return { kind: 'UniqueConstraintViolation', constraint: fields ? { fields } : undefined }
    }
    case '23503':
    case '23506':
      return { kind: 'ForeignKeyConstraintViolation', constraint: undefined }
    case '23502': {
      const column = /column "?([^"\s;]+)"?/i.exec(message)?.[1]
      return { kind: 'NullConstraintViolation', constraint: column ? { fields: [column] } : undefined }
    }
    case '22001':
      return { kind: 'LengthMismatch', column: /column "?([^"\s;]+)"?/i.exec(message)?.[1] }
    case '42S02':
    case '42102':
    case '42104':
      return { kind: 'TableDoesNotExist', table: /Table "?([^"\s;]+)"?/i.exec(message)?.[1] }
    case '42S22':
    case '42122':
      return { kind: 'ColumnNotFound', column: /Column "?([^"\s;]+)"?/i.exec(message)?.[1] }
    case '40001':
      return { kind: 'TransactionWriteConflict' }
  }
  return undefined
}

/** Oracle's NUMBER has no integer type of its own: every number reads as Numeric text, which Prisma reads by field. */
function column(jdbcColumn: JdbcColumn): ColumnReader {
  switch (jdbcColumn.jdbcType) {
    case T.DATE:
      // Oracle's DATE holds a time of day too (H2's Oracle mode reads it as TIMESTAMP(0)).
      return READERS.dateTime
    case T.BOOLEAN:
      return READERS.boolean
  }
  return genericColumn(jdbcColumn)
}

/** Booleans are NUMBER(1) in the tables (Oracle has no boolean column type before 23ai): bound as 1 and 0. */
function bind(arg: unknown, argType: ArgType | undefined): readonly [string, string] | null {
  if (argType?.scalarType === 'boolean' || typeof arg === 'boolean') {
    if (arg === null || arg === undefined) return null
    return ['L', arg === true || arg === 1 || arg === '1' || arg === 'true' ? '1' : '0']
  }
  return genericBind(arg, argType)
}

/**
 * Oracle (and H2 in its mode) stores '' as NULL: an empty string written would read back as null, a silent change of
 * the data, so it is refused, as @prisma-pool/oracle does by default. Where the argument only goes into a LIKE pattern
 * (`'%' || :1 || '%'`: contains, startsWith, endsWith), '' means the same on both: it goes through.
 */
function refuseEmptyString(position: number): never {
  throw new DriverAdapterError({
    kind: 'InvalidInputValue',
    message:
      `Oracle stores '' as NULL (H2 in Oracle mode too): the empty string of argument ${position + 1} would read back as ` +
      `null. Write null instead (on Oracle Database, @prisma-pool/oracle's emptyStrings: 'null' stores '' as NULL).`,
  })
}

/** A @db.Date argument is its UTC day, as PostgreSQL reads a date parameter (the time of day dropped). */
const utcDay = (arg: unknown) => `${(arg instanceof Date ? arg : new Date(String(arg))).toISOString().slice(0, 10)} 00:00:00`

function argOf(source: BindSource, query: SqlQuery): [unknown, ArgType | undefined] {
  if ('arg' in source) {
    if (source.arg >= query.args.length) throw new RangeError(`the statement's placeholder $${source.arg + 1} has no argument (${query.args.length} given)`)
    const arg = query.args[source.arg]
    const argType = query.argTypes[source.arg]
    if (arg === '' && !source.likePattern) refuseEmptyString(source.arg)
    if (argType?.dbType === 'DATE' && arg !== null && arg !== undefined) return [utcDay(arg), { scalarType: 'string', arity: 'scalar' }]
    return [arg, argType]
  }
  const { value } = source
  return [value, value === null ? undefined : FIXED_TYPE[typeof value as 'number' | 'string']]
}

/** The JDBC dialect of a database that takes Oracle's SQL: H2 in Oracle mode. */
export function h2OracleDialect(): JdbcDialect {
  const translations = new TranslationCache({ target: 'h2', schema: 'public' })
  const texts = new WeakMap<OracleStep, string>()
  const textOf = (step: OracleStep) => {
    let text = texts.get(step)
    if (text === undefined) texts.set(step, (text = questionMarks(step.sql)))
    return text
  }
  return {
    provider: 'postgres',
    name: 'H2 (Oracle mode)',
    // Oracle has READ COMMITTED and SERIALIZABLE alone; the Oracle adapter refuses the others, and so does this.
    isolationLevels: ['READ COMMITTED', 'SERIALIZABLE'],
    // Oracle has no RELEASE SAVEPOINT: a savepoint lasts until its transaction ends.
    releaseSavepoint: false,
    properties: () => ({}),
    plan(query: SqlQuery): readonly PlannedStatement[] {
      let plan
      try {
        plan = translations.plan(query.sql, query.args, query.argTypes)
      } catch (error) {
        // PostgreSQL's "feature not supported": Prisma shows the message, which says what to do instead.
        if (error instanceof Error && error.name === 'UntranslatableError') throw new DriverAdapterError(featureNotSupported(error.message))
        throw error
      }
      return plan.steps.map((step) => {
        const bound = step.binds.map((source) => argOf(source, query))
        return {
          sql: textOf(step),
          args: bound.map(([value]) => value),
          argTypes: bound.map(([, type]) => type),
          yields: step.yields,
          ...(step.skipDuplicate ? { skipDuplicate: true } : {}),
          ...(step.ifPreviousCounted ? { ifPreviousCounted: true } : {}),
        }
      })
    },
    bind,
    column,
    convertError: convertH2Error,
    connectionInfo: () => ({ supportsRelationJoins: false }),
  }
}

/** Whether a jdbc:h2 URL asks for Oracle mode (`;MODE=Oracle`, any case). */
export const isH2OracleMode = (url: string) => /^jdbc:h2:/i.test(url) && /;\s*MODE\s*=\s*Oracle\b/i.test(url)
