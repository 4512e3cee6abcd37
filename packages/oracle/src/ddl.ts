// Oracle DDL for a Prisma schema. Prisma Migrate cannot target Oracle, and @prisma-pool/oracle declares the postgres
// provider (the schema says `provider = "postgresql"`): `oracleDdl` makes the tables Prisma's PostgreSQL SQL expects,
// as the translator (translate.ts) turns it into Oracle SQL. The schema is read by Prisma's own parser
// (@prisma/prisma-schema-wasm: its validation, its DMMF); a small scan of the schema text adds what the DMMF leaves
// out (views, @ignore / @@ignore, Unsupported(...) fields, a relation's `map:`, the literal text of numeric defaults).
//
// Oracle Database 12.2 or later: identity columns, 128-byte names. Every name is Prisma's (the model or field name, or
// its @map / @@map), double-quoted as Prisma's SQL quotes it (Oracle folds unquoted names to upper case).
//
// Types
//
// | Prisma                  | Native type (@db.)       | Oracle                                                      |
// |-------------------------|--------------------------|-------------------------------------------------------------|
// | String                  | (none)                   | NVARCHAR2(2000)  (options.stringLength)                     |
// | String                  | Text                     | NCLOB                                                       |
// | String                  | VarChar(n) / VarChar     | VARCHAR2(n CHAR) / VARCHAR2(4000 CHAR)  (32767: extended)   |
// | String                  | Char(n) / Char           | CHAR(n CHAR) / CHAR(1 CHAR)                                 |
// | String                  | Uuid                     | VARCHAR2(36 CHAR)                                           |
// | String                  | Xml, Inet, Citext, Bit, VarBit | refused (no Oracle equivalent)                        |
// | Boolean                 | (none), Boolean          | NUMBER(1) CHECK ("c" IN (0, 1))                             |
// | Int                     | (none), Integer, Oid     | NUMBER(10)                                                  |
// | Int                     | SmallInt                 | NUMBER(5)                                                   |
// | BigInt                  | (none), BigInt           | NUMBER(19)                                                  |
// | Float                   | (none), DoublePrecision  | BINARY_DOUBLE                                               |
// | Float                   | Real                     | BINARY_FLOAT                                                |
// | Decimal                 | (none), Decimal          | NUMBER                                                      |
// | Decimal                 | Decimal(p, s), p <= 38   | NUMBER(p, s)   (p > 38 refused)                             |
// | Decimal                 | Money                    | NUMBER(19, 2)                                               |
// | DateTime                | (none)                   | TIMESTAMP(3)                                                |
// | DateTime                | Timestamp(n) / Timestamp | TIMESTAMP(n) / TIMESTAMP(6)                                 |
// | DateTime                | Timestamptz(n) / Timestamptz | TIMESTAMP(n) WITH TIME ZONE / TIMESTAMP(6) WITH TIME ZONE |
// | DateTime                | Date                     | DATE                                                        |
// | DateTime                | Time, Timetz             | refused (Oracle has no TIME type)                           |
// | Json                    | (none), Json, JsonB      | CLOB CHECK ("c" IS JSON)   (options.jsonCheck)              |
// | Bytes                   | (none), ByteA            | BLOB                                                        |
// | enum                    |                          | VARCHAR2(n CHAR) CHECK ("c" IN ('A', 'B')), n = longest value |
// | Int[], Role[] … (lists) |                          | refused (Oracle has no array columns)                       |
// | Unsupported("T")        |                          | T, as written (it must be an Oracle type)                   |
//
// Why these: String without @db is PostgreSQL's unbounded TEXT; NVARCHAR2(2000) is the longest national string a
// database with MAX_STRING_SIZE=STANDARD has (4000 bytes of AL16UTF16), Unicode whatever the database character set,
// comparable with `=` and indexable, which an NCLOB is not (as Oracle's own Entity Framework provider and Django map a
// string). An explicit @db.VarChar(n) keeps its length, in characters. Decimal without @db is PostgreSQL's
// decimal(65,30); Oracle's NUMBER has 38 significant digits at any scale, and a plain NUMBER keeps every value that has
// at most 38 (a NUMBER(38,16) would round every fraction at 16 places and cap integers at 22 digits). DateTime is
// TIMESTAMP(3) as on PostgreSQL, where Prisma keeps UTC; a Timestamptz is TIMESTAMP WITH TIME ZONE. Json is text that
// must be JSON: the translator reads it with Oracle's SQL/JSON functions, which take a CLOB (Oracle 21c's JSON type is
// not used).
//
// Keys, defaults, relations
//
// - @id / @@id: CONSTRAINT "<Table>_pkey" PRIMARY KEY (…); @unique / @@unique: CONSTRAINT "<Table>_<cols>_key"
//   UNIQUE (…), in the CREATE TABLE (a foreign key needs a constraint, not only a unique index, to reference);
//   @@index: CREATE INDEX "<Table>_<cols>_idx"; foreign keys: "<Table>_<cols>_fkey". These are Prisma Migrate's names
//   on PostgreSQL (the table's and columns' database names, cut to 63 bytes as Prisma cuts them), or the `map:` given.
// - @default(autoincrement()): GENERATED BY DEFAULT ON NULL AS IDENTITY (BY DEFAULT: an explicit id can be inserted,
//   as PostgreSQL's serial lets it; ON NULL: a NULL gets the next value). One per table, as Oracle allows.
// - @default(now()): the current time in UTC for a TIMESTAMP (Prisma reads a TIMESTAMP as UTC, and Oracle's
//   CURRENT_TIMESTAMP is in the session's time zone): CAST(CURRENT_TIMESTAMP AT TIME ZONE '+00:00' AS TIMESTAMP(n));
//   CURRENT_TIMESTAMP for a TIMESTAMP WITH TIME ZONE; the UTC day for a DATE. Prisma's client sends the value
//   itself: the column default serves other writers.
// - Literal defaults: strings quoted, numbers as written, booleans 1 / 0, enum values (their @map), DateTime as
//   TIMESTAMP / DATE literals (UTC), Json as its text, Bytes as HEXTORAW('…'); dbgenerated("expr") is used as
//   written — it is Oracle SQL now (a warning says so). uuid(), cuid(), nanoid(), ulid() are made by Prisma's client:
//   no column default. @updatedAt: no default (the client sets it).
// - Relations: FOREIGN KEY … REFERENCES … as ALTER TABLE … ADD CONSTRAINT after all the tables (so cycles work).
//   onDelete Cascade → ON DELETE CASCADE, SetNull → ON DELETE SET NULL, Restrict and NoAction → no clause (Oracle then
//   refuses to delete a referenced row, which is Restrict), SetDefault → refused (Oracle has none). Prisma's defaults
//   apply where onDelete is not given: Restrict for a required relation, SetNull for an optional one. Oracle has no
//   ON UPDATE: updating a referenced key fails (ORA-02292) instead of cascading. relationMode = "prisma": no foreign
//   keys, as Prisma Migrate makes none. A relation scalar field without @db takes the Oracle type of the field it
//   references (Oracle wants a foreign key's column types to match).
// - Implicit many-to-many relations: the join table Prisma expects, "_<RelationName>" ("A" references the model whose
//   name sorts first, "B" the other, typed as their ids), CONSTRAINT "_<Name>_AB_pkey" PRIMARY KEY ("A", "B"), index
//   "_<Name>_B_index" on "B", foreign keys "_<Name>_A_fkey" / "_<Name>_B_fkey" ON DELETE CASCADE — as Prisma 7 makes it.
// - @@schema("s") (multiSchema) qualifies the model's table with "s" ("public": unqualified, the session's schema, as
//   the translator reads it); otherwise options.schema, if given, qualifies every table. Oracle's schemas are users: the
//   script does not create them.
// - Left out, with a line in the script saying so: views (Prisma Migrate makes none either), @@ignore'd models and
//   @ignore'd fields (the DMMF has no types for them) and the keys and indexes on them, a non-unique index on a LOB
//   column (Oracle has no B-tree index on one), an @@index on the very columns a key or another index already has
//   (Oracle refuses a second one, ORA-01408), a unique on the columns of the primary key or another unique (ORA-02261).
//   Not refused but warned about: a key that may outgrow Oracle's index key (6398 bytes with 8 KB blocks, ORA-01450),
//   a relation between columns of different Oracle types, an index type (Hash, Gin …) or operator class, a unique's
//   sort order, a dbgenerated() expression, an Unsupported("…") type, @default(""), an explicit onUpdate action.
//
// Refused (OracleDdlError, every problem at once, each naming the model and field and what to do): lists, the native
// types Oracle has no equivalent of, Decimal precision over 38, strings longer than Oracle's limit, a LOB (Text, Json,
// Bytes) or a TIMESTAMP WITH TIME ZONE in a primary key or unique constraint (Oracle refuses both), SetDefault, a second
// autoincrement() in a table, names over 128 bytes or holding a double quote, a provider other than postgresql.
//
// `target: 'h2'` makes the DDL for H2 in Oracle mode (the tests' stand-in for Oracle), which lacks ON NULL in an
// identity clause and PURGE in DROP TABLE; nothing else differs.
import { get_config, get_dmmf } from '@prisma/prisma-schema-wasm'

export interface OracleDdlOptions {
  /**
   * The Oracle schema (user) to qualify the tables of models without an @@schema with, e.g. `APP` (case-sensitive,
   * quoted). Default: none — the tables go to the schema of the session that runs the script.
   */
  readonly schema?: string
  /** The length, in characters, of a String without @db: NVARCHAR2(stringLength). Default 2000, the most Oracle has. */
  readonly stringLength?: number
  /**
   * The database's MAX_STRING_SIZE: `standard` (default; VARCHAR2 up to 4000 bytes, NVARCHAR2 up to 2000 characters)
   * or `extended` (32767 bytes, 16383 characters).
   */
  readonly maxStringSize?: 'standard' | 'extended'
  /**
   * Give Json columns CHECK ("c" IS JSON). Default true. Before Oracle 21c (or with COMPATIBLE below 20) IS JSON
   * refuses a top-level scalar — a Json field set to 42, "text" or Prisma.JsonNull —: turn it off there.
   */
  readonly jsonCheck?: boolean
  /** `oracle` (default), or `h2` for H2 in Oracle mode: no ON NULL in identity columns, no PURGE in DROP TABLE. */
  readonly target?: 'oracle' | 'h2'
}

export interface OracleDdl {
  /** The statements that create the tables, indexes and foreign keys, in order; each without a trailing `;`. */
  readonly statements: readonly string[]
  /** DROP TABLE … CASCADE CONSTRAINTS [PURGE] for every table `statements` creates, referencing tables first. */
  readonly dropStatements: readonly string[]
  /** Where Oracle will behave differently from PostgreSQL, or the DDL may fail (said in the script too). */
  readonly warnings: readonly string[]
  /** What the DDL leaves out, and why (said in the script too). */
  readonly skipped: readonly string[]
  /** The statements as a script: a header comment (with the warnings and skipped things), `;` after each statement. */
  script(): string
  /** The drop statements as a script, with a header comment. */
  dropScript(): string
}

export type OracleDdlErrorKind = 'invalid-schema' | 'provider' | 'unsupported' | 'options'

/** The schema cannot be made Oracle DDL: `problems` says each reason (the message lists them all). */
export class OracleDdlError extends Error {
  override readonly name = 'OracleDdlError'
  constructor(
    readonly kind: OracleDdlErrorKind,
    readonly problems: readonly string[],
    message: string,
  ) {
    super(message)
  }
}

/** A schema file: its name (as error messages cite it) and its text. */
export type PrismaSchemaFile = readonly [fileName: string, text: string]

const ORACLE_NAME_BYTES = 128
const PG_NAME_BYTES = 63
/** Oracle's largest index key with 8 KB blocks (ORA-01450 above it). */
const MAX_KEY_BYTES_8K = 6398

/**
 * The Oracle DDL for a Prisma schema: `schema` is the schema's text (one file), or its files as [name, text] pairs.
 * Throws OracleDdlError when the schema is invalid (Prisma's own message), is not a postgresql schema, or uses what
 * Oracle cannot hold.
 */
export function oracleDdl(schema: string | readonly PrismaSchemaFile[], options: OracleDdlOptions = {}): OracleDdl {
  const opts = checkOptions(options)
  const files: PrismaSchemaFile[] = typeof schema === 'string' ? [['schema.prisma', schema]] : [...schema]
  const datamodel = readDatamodel(files)
  checkProvider(files)
  const source = scanSchema(files)
  return new Generator(datamodel, source, opts).run()
}

// ---------------------------------------------------------------------------------------------------------------------
// Options

interface Options {
  schema: string | undefined
  stringLength: number
  maxVarcharChars: number
  maxNvarcharChars: number
  extended: boolean
  jsonCheck: boolean
  target: 'oracle' | 'h2'
}

function checkOptions(options: OracleDdlOptions): Options {
  const problems: string[] = []
  const extended = options.maxStringSize === 'extended'
  if (options.maxStringSize !== undefined && options.maxStringSize !== 'standard' && !extended)
    problems.push(`maxStringSize must be 'standard' or 'extended', not ${JSON.stringify(options.maxStringSize)}`)
  const maxNvarcharChars = extended ? 16383 : 2000
  const stringLength = options.stringLength ?? 2000
  if (!Number.isInteger(stringLength) || stringLength < 1 || stringLength > maxNvarcharChars)
    problems.push(
      `stringLength must be a whole number from 1 to ${maxNvarcharChars} (NVARCHAR2's most with MAX_STRING_SIZE=${extended ? 'EXTENDED' : 'STANDARD'}), not ${options.stringLength}`,
    )
  const target = options.target ?? 'oracle'
  if (target !== 'oracle' && target !== 'h2') problems.push(`target must be 'oracle' or 'h2', not ${JSON.stringify(options.target)}`)
  if (options.schema !== undefined) {
    const bad = badName(options.schema)
    if (bad) problems.push(`schema ${JSON.stringify(options.schema)}: ${bad}`)
  }
  if (problems.length > 0) throw new OracleDdlError('options', problems, `Invalid oracleDdl options:\n${bullets(problems)}`)
  return {
    schema: options.schema,
    stringLength,
    maxVarcharChars: extended ? 32767 : 4000,
    maxNvarcharChars,
    extended,
    jsonCheck: options.jsonCheck ?? true,
    target,
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Prisma's parser: validation, DMMF, datasource

interface DmmfField {
  name: string
  dbName?: string | null
  kind: 'scalar' | 'object' | 'enum' | 'unsupported'
  isList: boolean
  isRequired: boolean
  isUnique: boolean
  isId: boolean
  isUpdatedAt?: boolean
  hasDefaultValue: boolean
  type: string
  nativeType?: [string, string[]] | null
  default?: unknown
  relationName?: string
  relationFromFields?: string[]
  relationToFields?: string[]
  relationOnDelete?: string
  relationOnUpdate?: string
}

interface DmmfModel {
  name: string
  dbName: string | null
  schema?: string | null
  fields: DmmfField[]
}

interface DmmfEnum {
  name: string
  values: { name: string; dbName: string | null }[]
}

interface DmmfIndex {
  model: string
  type: 'id' | 'unique' | 'normal' | 'fulltext'
  dbName?: string | null
  isDefinedOnField?: boolean
  algorithm?: string
  fields: { name: string; sortOrder?: 'asc' | 'desc'; operatorClass?: string; length?: number }[]
}

interface Datamodel {
  models: DmmfModel[]
  enums: DmmfEnum[]
  indexes: DmmfIndex[]
}

function readDatamodel(files: PrismaSchemaFile[]): Datamodel {
  let text: string
  try {
    text = get_dmmf(JSON.stringify({ prismaSchema: files, noColor: true }))
  } catch (error) {
    const message = prismaMessage(error)
    throw new OracleDdlError('invalid-schema', [message], `The Prisma schema is invalid:\n${message}`)
  }
  const dmmf = JSON.parse(text) as { datamodel: Partial<Datamodel> }
  return { models: dmmf.datamodel.models ?? [], enums: dmmf.datamodel.enums ?? [], indexes: dmmf.datamodel.indexes ?? [] }
}

/** Prisma's parser throws an Error whose message is JSON: `{ error_code, message }`. */
function prismaMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error)
  try {
    const parsed = JSON.parse(raw) as { message?: unknown; error_code?: unknown }
    if (typeof parsed.message === 'string') return parsed.message.trimEnd()
  } catch {
    // not JSON: the message as it is
  }
  return raw
}

function checkProvider(files: PrismaSchemaFile[]): void {
  let datasources: { provider?: string; activeProvider?: string }[] = []
  try {
    const config = JSON.parse(
      get_config(JSON.stringify({ prismaSchema: files, datasourceOverrides: {}, ignoreEnvVarErrors: true, env: {} })),
    ) as { config?: { datasources?: { provider?: string; activeProvider?: string }[] } }
    datasources = config.config?.datasources ?? []
  } catch (error) {
    const message = prismaMessage(error)
    throw new OracleDdlError('invalid-schema', [message], `The Prisma schema is invalid:\n${message}`)
  }
  const datasource = datasources[0]
  if (!datasource) {
    const problem = 'The schema has no datasource block: add datasource db { provider = "postgresql" }'
    throw new OracleDdlError('provider', [problem], problem)
  }
  const provider = datasource.activeProvider ?? datasource.provider
  if (provider !== 'postgresql') {
    const problem =
      `The schema's datasource provider is ${JSON.stringify(datasource.provider)}: @prisma-pool/oracle declares the postgres ` +
      `provider, so the schema must say provider = "postgresql" (and use PostgreSQL's native types, @db.VarChar …)`
    throw new OracleDdlError('provider', [problem], problem)
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// What the DMMF leaves out, from the schema's text

interface SourceField {
  name: string
  /** The type as written: `String`, `Unsupported("circle")`. */
  type: string
  unsupported?: string
  optional: boolean
  list: boolean
  attributes: SourceAttribute[]
}

interface SourceAttribute {
  name: string
  positional: Token[][]
  named: Map<string, Token[]>
}

interface SourceBlock {
  keyword: string
  name: string
  fields: SourceField[]
  blockAttributes: SourceAttribute[]
  properties: Map<string, Token[]>
}

interface Source {
  blocks: Map<string, SourceBlock>
  relationMode: string | undefined
}

interface Token {
  kind: 'id' | 'str' | 'num' | 'punct' | 'nl'
  value: string
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === '\n') {
      tokens.push({ kind: 'nl', value: '\n' })
      i++
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
      i++
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === '"') {
      let value = ''
      i++
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') {
        if (text[i] === '\\' && i + 1 < text.length) {
          const e = text[i + 1]!
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e
          i += 2
        } else value += text[i++]
      }
      i++
      tokens.push({ kind: 'str', value })
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9.]/.test(text[i + 1] ?? ''))) {
      const match = /^-?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i))
      const value = match?.[0] ?? c
      tokens.push({ kind: 'num', value })
      i += value.length
    } else if (/[A-Za-z_]/.test(c)) {
      const value = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i))![0]
      tokens.push({ kind: 'id', value })
      i += value.length
    } else if (c === '@' && text[i + 1] === '@') {
      tokens.push({ kind: 'punct', value: '@@' })
      i += 2
    } else {
      tokens.push({ kind: 'punct', value: c })
      i++
    }
  }
  return tokens
}

/** Splits a block's body at the newlines outside brackets: one line per field, attribute or property. */
function lines(body: Token[]): Token[][] {
  const out: Token[][] = []
  let line: Token[] = []
  let depth = 0
  for (const token of body) {
    if (token.kind === 'nl' && depth === 0) {
      if (line.length > 0) out.push(line)
      line = []
      continue
    }
    if (token.kind === 'nl') continue
    if (token.kind === 'punct' && (token.value === '(' || token.value === '[' || token.value === '{')) depth++
    if (token.kind === 'punct' && (token.value === ')' || token.value === ']' || token.value === '}')) depth--
    line.push(token)
  }
  if (line.length > 0) out.push(line)
  return out
}

/** Reads `@name.part(args)` starting at `at` (just after the `@` / `@@`); returns it and where it ends. */
function readAttribute(line: Token[], at: number): [SourceAttribute, number] {
  let name = line[at]?.value ?? ''
  let i = at + 1
  while (line[i]?.value === '.' && line[i + 1]?.kind === 'id') {
    name += `.${line[i + 1]!.value}`
    i += 2
  }
  const attribute: SourceAttribute = { name, positional: [], named: new Map() }
  if (line[i]?.value !== '(') return [attribute, i]
  let depth = 0
  let arg: Token[] = []
  const finish = () => {
    if (arg.length === 0) return
    if (arg[0]?.kind === 'id' && arg[1]?.value === ':') attribute.named.set(arg[0].value, arg.slice(2))
    else attribute.positional.push(arg)
    arg = []
  }
  for (i++; i < line.length; i++) {
    const token = line[i]!
    if (token.kind === 'punct' && (token.value === '(' || token.value === '[' || token.value === '{')) depth++
    if (token.kind === 'punct' && (token.value === ')' || token.value === ']' || token.value === '}')) {
      if (depth === 0) {
        finish()
        return [attribute, i + 1]
      }
      depth--
    }
    if (token.value === ',' && token.kind === 'punct' && depth === 0) finish()
    else arg.push(token)
  }
  finish()
  return [attribute, i]
}

function scanSchema(files: PrismaSchemaFile[]): Source {
  const blocks = new Map<string, SourceBlock>()
  let relationMode: string | undefined
  for (const [, text] of files) {
    const tokens = tokenize(text)
    for (let i = 0; i < tokens.length; i++) {
      const keyword = tokens[i]!
      if (keyword.kind !== 'id') continue
      const name = tokens[i + 1]
      if (name?.kind !== 'id' || tokens[i + 2]?.value !== '{') continue
      let depth = 0
      let end = i + 2
      for (; end < tokens.length; end++) {
        if (tokens[end]!.value === '{' && tokens[end]!.kind === 'punct') depth++
        if (tokens[end]!.value === '}' && tokens[end]!.kind === 'punct' && --depth === 0) break
      }
      const block: SourceBlock = { keyword: keyword.value, name: name.value, fields: [], blockAttributes: [], properties: new Map() }
      for (const line of lines(tokens.slice(i + 3, end))) {
        const first = line[0]!
        if (first.value === '@@') {
          block.blockAttributes.push(readAttribute(line, 1)[0])
        } else if (line[1]?.value === '=') {
          block.properties.set(first.value, line.slice(2))
        } else if (first.kind === 'id' && line[1]?.kind === 'id') {
          const field: SourceField = { name: first.value, type: line[1].value, optional: false, list: false, attributes: [] }
          let at = 2
          if (field.type === 'Unsupported' && line[2]?.value === '(' && line[3]?.kind === 'str') {
            field.unsupported = line[3].value
            field.type = `Unsupported(${JSON.stringify(line[3].value)})`
            at = 5
          }
          for (; at < line.length; at++) {
            const token = line[at]!
            if (token.value === '?') field.optional = true
            else if (token.value === '[') field.list = true
            else if (token.value === '@') {
              const [attribute, next] = readAttribute(line, at + 1)
              field.attributes.push(attribute)
              at = next - 1
            }
          }
          block.fields.push(field)
        }
      }
      if (block.keyword === 'datasource') {
        const mode = block.properties.get('relationMode')?.[0]
        if (mode?.kind === 'str') relationMode = mode.value
      }
      if (block.keyword === 'model' || block.keyword === 'view' || block.keyword === 'datasource') blocks.set(`${block.keyword} ${block.name}`, block)
      i = end
    }
  }
  return { blocks, relationMode }
}

// ---------------------------------------------------------------------------------------------------------------------
// Oracle types

type TypeKind = 'nvarchar' | 'varchar' | 'char' | 'nclob' | 'clob' | 'blob' | 'number' | 'binary_double' | 'binary_float' | 'date' | 'timestamp' | 'tstz' | 'raw'

interface OracleType {
  sql: string
  kind: TypeKind
  /** The most bytes a value takes in an index key (AL32UTF8 database, AL16UTF16 national character set). */
  keyBytes: number
  /** TIMESTAMP(n) / TIMESTAMP(n) WITH TIME ZONE: n. */
  precision?: number
  /** How Prisma spelled it, for messages: `String @db.Text`. */
  prisma: string
}

const isLob = (type: OracleType) => type.kind === 'nclob' || type.kind === 'clob' || type.kind === 'blob'

/** Oracle's family of a type, for foreign keys (whose column types must match). */
const family = (type: OracleType) => (type.kind === 'raw' ? type.sql : type.kind)

// ---------------------------------------------------------------------------------------------------------------------
// Tables

interface Column {
  name: string
  type: OracleType
  notNull: boolean
  default?: string
  identity: boolean
  checks: string[]
}

interface KeyColumn {
  name: string
  desc: boolean
}

interface Constraint {
  name: string
  columns: string[]
}

interface ForeignKey extends Constraint {
  references: Table
  referencedColumns: string[]
  onDelete: 'CASCADE' | 'SET NULL' | undefined
}

interface Table {
  /** The model's name, or the join table's name. */
  label: string
  name: string
  schema: string | undefined
  columns: Column[]
  primaryKey?: Constraint
  uniques: Constraint[]
  indexes: { name: string; columns: KeyColumn[] }[]
  foreignKeys: ForeignKey[]
}

const q = (name: string) => `"${name}"`
const utf8Bytes = (text: string) => new TextEncoder().encode(text).length

/** The name cut to at most `max` UTF-8 bytes, at a character boundary (as Prisma cuts its constraint names). */
function cutBytes(name: string, max: number): string {
  if (utf8Bytes(name) <= max) return name
  let out = ''
  let bytes = 0
  for (const char of name) {
    const size = utf8Bytes(char)
    if (bytes + size > max) break
    out += char
    bytes += size
  }
  return out
}

/** Prisma Migrate's default names on PostgreSQL (63-byte names). */
const defaultNames = {
  primaryKey: (table: string) => `${cutBytes(table, PG_NAME_BYTES - 5)}_pkey`,
  unique: (table: string, columns: string[]) => `${cutBytes(`${table}_${columns.join('_')}`, PG_NAME_BYTES - 4)}_key`,
  index: (table: string, columns: string[]) => `${cutBytes(`${table}_${columns.join('_')}`, PG_NAME_BYTES - 4)}_idx`,
  foreignKey: (table: string, columns: string[]) => `${cutBytes(`${table}_${columns.join('_')}`, PG_NAME_BYTES - 5)}_fkey`,
}

/** Why Oracle cannot have this name, or undefined. */
function badName(name: string): string | undefined {
  if (name.length === 0) return 'an Oracle name cannot be empty'
  if (name.includes('"') || name.includes('\0')) return 'an Oracle name cannot hold a double quote or a NUL character'
  const bytes = utf8Bytes(name)
  if (bytes > ORACLE_NAME_BYTES) return `it is ${bytes} bytes long, and Oracle's names have at most ${ORACLE_NAME_BYTES}`
  return undefined
}

const bullets = (items: readonly string[]) => items.map((item) => `  - ${item}`).join('\n')

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`

class Generator {
  private readonly problems: string[] = []
  private readonly warnings: string[] = []
  private readonly skipped: string[] = []
  private readonly models = new Map<string, DmmfModel>()
  private readonly enums = new Map<string, DmmfEnum>()
  private readonly tables = new Map<string, Table>()
  private readonly joinTables: Table[] = []
  /** model.field → the field it references (a relation scalar field). */
  private readonly references = new Map<string, { model: DmmfModel; field: DmmfField }>()
  private readonly typeCache = new Map<string, OracleType | null>()
  private readonly resolving = new Set<string>()

  constructor(
    private readonly datamodel: Datamodel,
    private readonly source: Source,
    private readonly options: Options,
  ) {
    for (const model of datamodel.models) this.models.set(model.name, model)
    for (const enumType of datamodel.enums) this.enums.set(enumType.name, enumType)
  }

  run(): OracleDdl {
    this.noteSkippedModels()
    const models = this.datamodel.models.filter((model) => !this.source.blocks.has(`view ${model.name}`))
    for (const model of models) this.collectReferences(model)
    for (const model of models) this.tables.set(model.name, this.table(model))
    for (const model of models) this.keys(model)
    for (const model of models) this.foreignKeys(model)
    this.joinTablesOf(models)
    if (this.problems.length > 0)
      throw new OracleDdlError(
        'unsupported',
        this.problems,
        `The Prisma schema has what Oracle cannot hold (${this.problems.length} problem${this.problems.length === 1 ? '' : 's'}):\n${bullets(this.problems)}`,
      )
    const tables = [...this.tables.values(), ...this.joinTables]
    for (const table of tables) this.keySizes(table)
    return this.render(tables)
  }

  private fail(problem: string): void {
    this.problems.push(problem)
  }

  private tableName(model: DmmfModel): string {
    return model.dbName ?? model.name
  }

  private columnName(field: DmmfField): string {
    return field.dbName ?? field.name
  }

  private schemaOf(model: DmmfModel): string | undefined {
    if (model.schema) return model.schema === 'public' ? undefined : model.schema
    return this.options.schema
  }

  private noteSkippedModels(): void {
    for (const block of this.source.blocks.values()) {
      if (block.keyword === 'view') this.skipped.push(`view ${block.name}: Prisma Migrate creates no views either: write it in Oracle SQL`)
      else if (block.keyword === 'model' && block.blockAttributes.some((a) => a.name === 'ignore'))
        this.skipped.push(`model ${block.name}: it is @@ignore'd (Prisma Migrate would create its table: write it by hand if the database needs it)`)
    }
  }

  private collectReferences(model: DmmfModel): void {
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue
      const target = this.models.get(field.type)
      if (!target) continue
      field.relationFromFields.forEach((from, i) => {
        const to = target.fields.find((f) => f.name === field.relationToFields?.[i])
        if (to) this.references.set(`${model.name}.${from}`, { model: target, field: to })
      })
    }
  }

  private table(model: DmmfModel): Table {
    const name = this.tableName(model)
    const bad = badName(name)
    if (bad) this.fail(`model ${model.name}: the table name ${q(name)} cannot be an Oracle name: ${bad}: rename it with @@map("…")`)
    const table: Table = { label: model.name, name, schema: this.schemaOf(model), columns: [], uniques: [], indexes: [], foreignKeys: [] }
    const block = this.source.blocks.get(`model ${model.name}`)
    const byName = new Map(model.fields.map((field) => [field.name, field]))
    // The fields in the order the schema has them: the DMMF's, and those it leaves out (@ignore, Unsupported).
    const order = block ? block.fields.map((f) => f.name) : model.fields.map((f) => f.name)
    for (const fieldName of order) {
      const field = byName.get(fieldName)
      const written = block?.fields.find((f) => f.name === fieldName)
      if (!field) {
        if (written?.attributes.some((a) => a.name === 'ignore'))
          this.skipped.push(`${model.name}.${fieldName}: it is @ignore'd (Prisma Migrate would create its column: add it by hand if the database needs it)`)
        else if (written?.unsupported !== undefined) this.unsupportedColumn(model, table, written)
        continue
      }
      if (field.kind === 'object') continue
      const column = this.column(model, field)
      if (column) table.columns.push(column)
    }
    return table
  }

  private unsupportedColumn(model: DmmfModel, table: Table, field: SourceField): void {
    const mapped = field.attributes.find((a) => a.name === 'map')?.positional[0]?.[0]
    const name = mapped?.kind === 'str' ? mapped.value : field.name
    const bad = badName(name)
    if (bad) this.fail(`${model.name}.${field.name}: the column name ${q(name)} cannot be an Oracle name: ${bad}: rename it with @map("…")`)
    this.warnings.push(`${model.name}.${field.name}: ${field.type} is used as the Oracle type ${field.unsupported}, as written: it must be one Oracle has`)
    table.columns.push({
      name,
      type: { sql: field.unsupported ?? '', kind: 'raw', keyBytes: 0, prisma: field.type },
      notNull: !field.optional,
      identity: false,
      checks: [],
    })
  }

  private column(model: DmmfModel, field: DmmfField): Column | undefined {
    const where = `${model.name}.${field.name}`
    const name = this.columnName(field)
    const bad = badName(name)
    if (bad) this.fail(`${where}: the column name ${q(name)} cannot be an Oracle name: ${bad}: rename it with @map("…")`)
    if (field.isList) {
      const what = field.kind === 'enum' ? 'an enum list' : 'a scalar list'
      this.fail(
        `${where}: ${field.type}[] is ${what}, and Oracle has no array columns: make it a relation to a model of its own (a row per element), or a Json field`,
      )
      return undefined
    }
    const type = this.typeOf(model, field)
    if (!type) return undefined
    const column: Column = { name, type, notNull: field.isRequired, identity: false, checks: [] }
    if (field.type === 'Boolean') column.checks.push(`${q(name)} IN (0, 1)`)
    if (field.kind === 'enum') {
      const values = this.enumValues(field.type)
      column.checks.push(`${q(name)} IN (${values.map(sqlString).join(', ')})`)
    }
    if (field.type === 'Json' && this.options.jsonCheck) column.checks.push(`${q(name)} IS JSON`)
    if (field.hasDefaultValue) this.applyDefault(model, field, column)
    return column
  }

  private enumValues(name: string): string[] {
    return this.enums.get(name)?.values.map((value) => value.dbName ?? value.name) ?? []
  }

  /** The Oracle type of a scalar or enum field (a relation scalar field without @db: the referenced field's). */
  private typeOf(model: DmmfModel, field: DmmfField): OracleType | undefined {
    const key = `${model.name}.${field.name}`
    if (this.typeCache.has(key)) return this.typeCache.get(key) ?? undefined
    let type: OracleType | undefined
    const target = this.references.get(key)
    if (target && !field.nativeType && !this.resolving.has(key)) {
      this.resolving.add(key)
      const referenced = this.typeOf(target.model, target.field)
      this.resolving.delete(key)
      // Only the referenced type, not its checks or default; it is the same Prisma type (Prisma checks that).
      type = referenced && { ...referenced, prisma: this.prismaType(field) }
    }
    type ??= this.ownType(model, field)
    this.typeCache.set(key, type ?? null)
    return type
  }

  private prismaType(field: DmmfField): string {
    if (!field.nativeType) return field.type
    const [name, args] = field.nativeType
    return `${field.type} @db.${name}${args.length > 0 ? `(${args.join(', ')})` : ''}`
  }

  private ownType(model: DmmfModel, field: DmmfField): OracleType | undefined {
    const where = `${model.name}.${field.name}`
    const prisma = this.prismaType(field)
    const native = field.nativeType?.[0]
    const args = (field.nativeType?.[1] ?? []).map(Number)
    const refuse = (why: string) => {
      this.fail(`${where}: ${prisma}: ${why}`)
      return undefined
    }
    const t = (sql: string, kind: TypeKind, keyBytes: number, precision?: number): OracleType => ({
      sql,
      kind,
      keyBytes,
      prisma,
      ...(precision === undefined ? {} : { precision }),
    })
    const { maxVarcharChars, extended } = this.options
    const maxBytes = maxVarcharChars
    const sizeMode = extended ? 'EXTENDED' : 'STANDARD'
    if (field.kind === 'enum') {
      const longest = Math.max(1, ...this.enumValues(field.type).map((value) => [...value].length))
      return t(`VARCHAR2(${longest} CHAR)`, 'varchar', Math.min(4 * longest, maxBytes))
    }
    switch (field.type) {
      case 'String':
        switch (native) {
          case undefined:
            return t(`NVARCHAR2(${this.options.stringLength})`, 'nvarchar', 2 * this.options.stringLength)
          case 'Text':
            return t('NCLOB', 'nclob', 0)
          case 'VarChar': {
            const n = args[0] ?? maxVarcharChars
            if (n > maxVarcharChars)
              return refuse(
                `Oracle's VARCHAR2 holds at most ${maxVarcharChars} bytes (MAX_STRING_SIZE=${sizeMode}): use @db.Text (NCLOB)` +
                  (extended ? '' : `, or maxStringSize: 'extended' if the database has MAX_STRING_SIZE=EXTENDED`),
              )
            return t(`VARCHAR2(${n} CHAR)`, 'varchar', Math.min(4 * n, maxBytes))
          }
          case 'Char': {
            const n = args[0] ?? 1
            if (n > 2000) return refuse(`Oracle's CHAR holds at most 2000 bytes: use @db.VarChar(${n}) or @db.Text`)
            return t(`CHAR(${n} CHAR)`, 'char', Math.min(4 * n, 2000))
          }
          case 'Uuid':
            return t('VARCHAR2(36 CHAR)', 'varchar', 36)
          case 'Xml':
            return refuse('Oracle has no XML type the adapter reads: use @db.Text (NCLOB) or a String without @db')
          case 'Inet':
            return refuse('Oracle has no network address type: use @db.VarChar(43) (an IPv6 address with its prefix)')
          case 'Citext':
            return refuse('Oracle has no case-insensitive text type: use a String without @db (compared case-sensitively)')
          case 'Bit':
          case 'VarBit':
            return refuse(`Oracle has no bit strings: use @db.VarChar(${args[0] ?? maxVarcharChars}) (a string of 0 and 1)`)
          default:
            return refuse('Oracle has no equivalent of this PostgreSQL type: use a String without @db, or @db.VarChar(n)')
        }
      case 'Boolean':
        return t('NUMBER(1)', 'number', 22)
      case 'Int':
        if (native === 'SmallInt') return t('NUMBER(5)', 'number', 22)
        if (native === undefined || native === 'Integer' || native === 'Oid') return t('NUMBER(10)', 'number', 22)
        return refuse('Oracle has no equivalent of this PostgreSQL type: use an Int without @db (NUMBER(10))')
      case 'BigInt':
        return t('NUMBER(19)', 'number', 22)
      case 'Float':
        if (native === 'Real') return t('BINARY_FLOAT', 'binary_float', 5)
        return t('BINARY_DOUBLE', 'binary_double', 9)
      case 'Decimal': {
        if (native === 'Money') return t('NUMBER(19, 2)', 'number', 22)
        const [precision, scale] = args
        if (precision === undefined) return t('NUMBER', 'number', 22)
        if (precision > 38)
          return refuse(
            `Oracle's NUMBER has at most 38 digits of precision: use @db.Decimal(38, ${Math.min(scale ?? 0, 38)}) or less, or no @db (NUMBER: 38 significant digits at any scale)`,
          )
        return t(`NUMBER(${precision}, ${scale ?? 0})`, 'number', 22)
      }
      case 'DateTime':
        switch (native) {
          case undefined:
            return t('TIMESTAMP(3)', 'timestamp', 11, 3)
          case 'Timestamp': {
            const n = args[0] ?? 6
            return t(`TIMESTAMP(${n})`, 'timestamp', 11, n)
          }
          case 'Timestamptz': {
            const n = args[0] ?? 6
            return t(`TIMESTAMP(${n}) WITH TIME ZONE`, 'tstz', 13, n)
          }
          case 'Date':
            return t('DATE', 'date', 7)
          case 'Time':
          case 'Timetz':
            return refuse(
              'Oracle has no TIME type: use a DateTime without @db.Time (a TIMESTAMP, on a fixed day), or an Int of milliseconds since midnight',
            )
          default:
            return refuse('Oracle has no equivalent of this PostgreSQL type: use a DateTime without @db (TIMESTAMP(3))')
        }
      case 'Json':
        return t('CLOB', 'clob', 0)
      case 'Bytes':
        return t('BLOB', 'blob', 0)
      default:
        return refuse('Oracle has no equivalent of this type')
    }
  }

  private applyDefault(model: DmmfModel, field: DmmfField, column: Column): void {
    const where = `${model.name}.${field.name}`
    const value = field.default
    const type = column.type
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'name' in value) {
      const fn = value as { name: string; args: unknown[] }
      switch (fn.name) {
        case 'autoincrement': {
          const other = this.earlierIdentity(model, field)
          if (other) {
            this.fail(
              `${where}: @default(autoincrement()) on a second field: Oracle allows one identity column per table (${model.name}.${other} is one): give this field no default, or a dbgenerated() sequence expression`,
            )
            return
          }
          column.identity = true
          return
        }
        case 'now':
          column.default =
            type.kind === 'tstz'
              ? 'CURRENT_TIMESTAMP'
              : type.kind === 'date'
                ? "TRUNC(CAST(CURRENT_TIMESTAMP AT TIME ZONE '+00:00' AS DATE))"
                : `CAST(CURRENT_TIMESTAMP AT TIME ZONE '+00:00' AS TIMESTAMP(${type.precision ?? 3}))`
          return
        case 'dbgenerated': {
          const expression = fn.args[0]
          if (typeof expression === 'string' && expression.trim() !== '') {
            column.default = expression
            this.warnings.push(
              `${where}: @default(dbgenerated(${JSON.stringify(expression)})) is the column default as written: it is Oracle SQL now (a PostgreSQL function there fails)`,
            )
          } else {
            this.warnings.push(`${where}: @default(dbgenerated()) names no expression: the column has no default: add Oracle's by hand`)
          }
          return
        }
        case 'uuid':
        case 'cuid':
        case 'nanoid':
        case 'ulid':
          return // made by Prisma's client
        default:
          this.warnings.push(`${where}: @default(${fn.name}()) has no Oracle equivalent: the column has no default`)
          return
      }
    }
    if (Array.isArray(value)) return // lists are refused already
    const raw = this.rawDefault(model, field)
    switch (field.type) {
      case 'String':
        if (value === '')
          this.warnings.push(
            `${where}: @default("") is NULL in Oracle, which stores the empty string as NULL${column.notNull ? ': inserting it into this NOT NULL column fails (ORA-01400)' : ''}`,
          )
        column.default = sqlString(String(value))
        return
      case 'Boolean':
        column.default = value === true ? '1' : '0'
        return
      case 'Int':
      case 'BigInt':
        column.default = String(value)
        return
      case 'Decimal':
        column.default = raw ?? String(value)
        return
      case 'Float': {
        const text = raw ?? String(value)
        const magnitude = Math.abs(Number(text))
        // Out of NUMBER's range, the literal must be a BINARY_DOUBLE one (H2 takes it plain).
        const outOfNumber = magnitude !== 0 && (magnitude >= 1e126 || magnitude < 1e-130)
        column.default = outOfNumber && this.options.target === 'oracle' ? `${text}D` : text
        return
      }
      case 'DateTime':
        column.default = this.dateTimeLiteral(String(value), type)
        return
      case 'Json':
        column.default = sqlString(typeof value === 'string' ? value : JSON.stringify(value))
        return
      case 'Bytes':
        column.default = `HEXTORAW('${Buffer.from(String(value), 'base64').toString('hex').toUpperCase()}')`
        return
      default:
        if (field.kind === 'enum') {
          const member = this.enums.get(field.type)?.values.find((v) => v.name === value)
          column.default = sqlString(member?.dbName ?? String(value))
        }
    }
  }

  /** The field declared before `field` in the model with @default(autoincrement()), if any. */
  private earlierIdentity(model: DmmfModel, field: DmmfField): string | undefined {
    for (const other of model.fields) {
      if (other === field) return undefined
      const value = other.default as { name?: string } | undefined
      if (other.kind === 'scalar' && !other.isList && value?.name === 'autoincrement') return other.name
    }
    return undefined
  }

  /** The literal text of a numeric @default, as the schema has it (the DMMF's JSON number may round it). */
  private rawDefault(model: DmmfModel, field: DmmfField): string | undefined {
    const written = this.source.blocks.get(`model ${model.name}`)?.fields.find((f) => f.name === field.name)
    const arg = written?.attributes.find((a) => a.name === 'default')?.positional[0]
    return arg?.length === 1 && arg[0]!.kind === 'num' ? arg[0]!.value : undefined
  }

  private dateTimeLiteral(iso: string, type: OracleType): string {
    const date = new Date(iso)
    const pad = (n: number, width = 2) => String(n).padStart(width, '0')
    const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`
    const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`
    if (type.kind === 'date') return `DATE '${day}'`
    if (type.kind === 'tstz') return `TIMESTAMP '${day} ${time} +00:00'`
    return `TIMESTAMP '${day} ${time}'`
  }

  private keys(model: DmmfModel): void {
    const table = this.tables.get(model.name)!
    const fieldByName = new Map(model.fields.map((f) => [f.name, f]))
    const columnsOf = (index: DmmfIndex) => index.fields.map((f) => this.columnName(fieldByName.get(f.name) ?? { name: f.name } as DmmfField))
    const sameColumns = (a: string[], b: string[]) => a.length === b.length && a.every((c, i) => c === b[i])
    const describe = (index: DmmfIndex) => {
      const list = index.fields.map((f) => f.name).join(', ')
      const kind = index.type === 'id' ? 'id' : index.type === 'unique' ? 'unique' : 'index'
      return index.isDefinedOnField ? `@${kind} on ${list}` : `@@${kind}([${list}])`
    }
    const keyTypes = (index: DmmfIndex) => {
      for (const f of index.fields) {
        const field = fieldByName.get(f.name)
        if (!field) continue
        const type = this.typeOf(model, field)
        if (!type) continue
        if (isLob(type))
          this.fail(
            `${model.name}.${field.name}: ${type.prisma} is ${type.sql} in Oracle, which cannot be in a primary key or unique constraint (${describe(index)}): ` +
              (field.type === 'String' ? 'use @db.VarChar(n) or a String without @db' : `drop the ${index.type === 'id' ? 'id' : 'unique'}, or key the model on another field`),
          )
        else if (type.kind === 'tstz')
          this.fail(
            `${model.name}.${field.name}: ${type.prisma} is TIMESTAMP WITH TIME ZONE in Oracle, which cannot be in a primary key or unique constraint (${describe(index)}): use @db.Timestamp(n) (Prisma keeps UTC in it)`,
          )
      }
    }
    // A key or index on a column the table leaves out (an @ignore'd field) is left out too.
    const present = new Set(table.columns.map((column) => column.name))
    const indexes = this.datamodel.indexes.filter((index) => {
      if (index.model !== model.name) return false
      const missing = index.fields.find((f) => !present.has(columnsOf({ ...index, fields: [f] })[0]!))
      if (missing) this.skipped.push(`${model.name}: ${describe(index)}: its field ${missing.name} is left out`)
      return !missing
    })
    for (const index of indexes.filter((i) => i.type === 'id')) {
      keyTypes(index)
      const columns = columnsOf(index)
      table.primaryKey = { name: index.dbName ?? defaultNames.primaryKey(table.name), columns }
    }
    for (const index of indexes.filter((i) => i.type === 'unique')) {
      keyTypes(index)
      const columns = columnsOf(index)
      const name = index.dbName ?? defaultNames.unique(table.name, columns)
      const same = [table.primaryKey, ...table.uniques].find((key) => key && sameColumns(key.columns, columns))
      if (same) {
        this.skipped.push(`${model.name}: unique ${q(name)}: its columns are ${q(same.name)}'s already (Oracle refuses a second key on them, ORA-02261)`)
        continue
      }
      if (index.fields.some((f) => f.sortOrder === 'desc'))
        this.warnings.push(`${model.name}: unique ${q(name)}: a unique constraint has no sort order in Oracle: sort: Desc is left out`)
      table.uniques.push({ name, columns })
    }
    for (const index of indexes.filter((i) => i.type === 'normal' || i.type === 'fulltext')) {
      const columns: KeyColumn[] = index.fields.map((f, i) => ({ name: columnsOf(index)[i]!, desc: f.sortOrder === 'desc' }))
      const name = index.dbName ?? defaultNames.index(table.name, columns.map((c) => c.name))
      const lob = index.fields.map((f) => fieldByName.get(f.name)).find((field) => {
        const type = field && this.typeOf(model, field)
        return type && isLob(type)
      })
      if (lob) {
        this.skipped.push(
          `${model.name}: index ${q(name)}: Oracle has no B-tree index on ${model.name}.${lob.name} (${this.typeOf(model, lob)?.sql}): an Oracle Text or JSON search index may do instead`,
        )
        continue
      }
      const plain = columns.every((c) => !c.desc)
      const same =
        (plain ? [table.primaryKey, ...table.uniques].find((key) => key && sameColumns(key.columns, columns.map((c) => c.name))) : undefined) ??
        table.indexes.find((other) => other.columns.length === columns.length && other.columns.every((c, i) => c.name === columns[i]!.name && c.desc === columns[i]!.desc))
      if (same) {
        this.skipped.push(`${model.name}: index ${q(name)}: ${q(same.name)} indexes its columns already (Oracle refuses a second index on them, ORA-01408)`)
        continue
      }
      if (index.algorithm && index.algorithm !== 'BTree')
        this.warnings.push(`${model.name}: index ${q(name)}: Oracle has no ${index.algorithm} index: it is a B-tree index`)
      if (index.fields.some((f) => f.operatorClass))
        this.warnings.push(`${model.name}: index ${q(name)}: PostgreSQL's operator classes (ops:) mean nothing to Oracle: left out`)
      if (index.type === 'fulltext') this.warnings.push(`${model.name}: index ${q(name)}: a full-text index is a B-tree index in Oracle`)
      table.indexes.push({ name, columns })
    }
    for (const constraint of [table.primaryKey, ...table.uniques, ...table.indexes]) {
      const bad = constraint && badName(constraint.name)
      if (bad) this.fail(`model ${model.name}: the constraint or index name ${q(constraint!.name)} cannot be an Oracle name: ${bad}: name it with map: "…"`)
    }
  }

  private foreignKeys(model: DmmfModel): void {
    if (this.source.relationMode === 'prisma') return
    const table = this.tables.get(model.name)!
    const block = this.source.blocks.get(`model ${model.name}`)
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue
      const where = `${model.name}.${field.name}`
      const target = this.models.get(field.type)
      const referenced = target && this.tables.get(target.name)
      if (!target || !referenced) continue
      const fromFields = field.relationFromFields.map((name) => model.fields.find((f) => f.name === name)!)
      const toFields = (field.relationToFields ?? []).map((name) => target.fields.find((f) => f.name === name)!)
      const columns = fromFields.map((f) => this.columnName(f))
      const mapArg = block?.fields.find((f) => f.name === field.name)?.attributes.find((a) => a.name === 'relation')?.named.get('map')?.[0]
      const name = mapArg?.kind === 'str' ? mapArg.value : defaultNames.foreignKey(table.name, columns)
      const bad = badName(name)
      if (bad) this.fail(`${where}: the foreign key name ${q(name)} cannot be an Oracle name: ${bad}: name it with map: "…"`)
      const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull')
      if (onDelete === 'SetDefault') {
        this.fail(`${where}: onDelete: SetDefault: Oracle has no ON DELETE SET DEFAULT: use SetNull, Cascade, Restrict or NoAction`)
        continue
      }
      const onUpdate = field.relationOnUpdate
      if (onUpdate && onUpdate !== 'Restrict' && onUpdate !== 'NoAction')
        this.warnings.push(
          `${where}: onUpdate: ${onUpdate}: Oracle has no ON UPDATE actions: updating a referenced ${target.name} key fails (ORA-02292) while rows reference it`,
        )
      fromFields.forEach((from, i) => {
        const to = toFields[i]
        if (!to || !from.nativeType) return
        const fromType = this.typeOf(model, from)
        const toType = this.typeOf(target, to)
        if (fromType && toType && family(fromType) !== family(toType))
          this.warnings.push(
            `${model.name}.${from.name} (${fromType.sql}) references ${target.name}.${to.name} (${toType.sql}): Oracle wants a foreign key's column types to match (ORA-02267): give both the same @db type`,
          )
      })
      table.foreignKeys.push({
        name,
        columns,
        references: referenced,
        referencedColumns: toFields.map((f) => this.columnName(f)),
        onDelete: onDelete === 'Cascade' ? 'CASCADE' : onDelete === 'SetNull' ? 'SET NULL' : undefined,
      })
    }
  }

  private joinTablesOf(models: DmmfModel[]): void {
    const seen = new Set<string>()
    for (const model of models) {
      for (const field of model.fields) {
        if (field.kind !== 'object' || !field.isList || field.relationFromFields?.length || !field.relationName) continue
        const other = this.models.get(field.type)
        const back = other?.fields.find(
          (f) => f.kind === 'object' && f.relationName === field.relationName && f.isList && f !== field && f.type === model.name,
        )
        if (!other || !back || seen.has(field.relationName)) continue
        seen.add(field.relationName)
        const [a, b] = model.name <= other.name ? [model, other] : [other, model]
        this.joinTable(field.relationName, a, b)
      }
    }
  }

  private joinTable(relation: string, a: DmmfModel, b: DmmfModel): void {
    const name = `_${relation}`
    const bad = badName(name)
    if (bad) this.fail(`relation ${relation}: the join table name ${q(name)} cannot be an Oracle name: ${bad}: give the relation a shorter name`)
    const idOf = (model: DmmfModel) => model.fields.find((f) => f.isId)
    const side = (model: DmmfModel, column: 'A' | 'B'): Column | undefined => {
      const id = idOf(model)
      const type = id && this.typeOf(model, id)
      return type && { name: column, type, notNull: true, identity: false, checks: [] }
    }
    const columnA = side(a, 'A')
    const columnB = side(b, 'B')
    const tableA = this.tables.get(a.name)
    const tableB = this.tables.get(b.name)
    if (!columnA || !columnB || !tableA || !tableB) return
    const table: Table = {
      label: `the join table of ${relation}`,
      name,
      schema: tableA.schema,
      columns: [columnA, columnB],
      primaryKey: { name: `${name}_AB_pkey`, columns: ['A', 'B'] },
      uniques: [],
      indexes: [{ name: `${name}_B_index`, columns: [{ name: 'B', desc: false }] }],
      foreignKeys: [],
    }
    if (this.source.relationMode !== 'prisma') {
      const key = (column: 'A' | 'B', model: DmmfModel, target: Table): ForeignKey => ({
        name: defaultNames.foreignKey(name, [column]),
        columns: [column],
        references: target,
        referencedColumns: [this.columnName(idOf(model)!)],
        onDelete: 'CASCADE',
      })
      table.foreignKeys.push(key('A', a, tableA), key('B', b, tableB))
    }
    this.joinTables.push(table)
  }

  /** Warns where a key's columns may exceed Oracle's index key size (8 KB blocks). */
  private keySizes(table: Table): void {
    const size = (columns: string[]) =>
      columns.reduce((sum, name) => sum + (table.columns.find((c) => c.name === name)?.type.keyBytes ?? 0), 0)
    const keys = [table.primaryKey, ...table.uniques, ...table.indexes.map((i) => ({ name: i.name, columns: i.columns.map((c) => c.name) }))]
    for (const key of keys) {
      if (!key) continue
      const bytes = size(key.columns)
      if (bytes > MAX_KEY_BYTES_8K)
        this.warnings.push(
          `${table.label}: ${q(key.name)} on ${key.columns.map(q).join(', ')} may take ${bytes} bytes, more than Oracle's index key holds with 8 KB blocks (${MAX_KEY_BYTES_8K}, ORA-01450): give its String fields a @db.VarChar(n), or a smaller stringLength`,
        )
    }
  }

  private render(tables: Table[]): OracleDdl {
    const qualified = (table: Table, name = table.name) => (table.schema ? `${q(table.schema)}.${q(name)}` : q(name))
    const columnSql = (column: Column) => {
      let sql = `${q(column.name)} ${column.type.sql}`
      if (column.identity) sql += this.options.target === 'h2' ? ' GENERATED BY DEFAULT AS IDENTITY' : ' GENERATED BY DEFAULT ON NULL AS IDENTITY'
      else if (column.default !== undefined) sql += ` DEFAULT ${column.default}`
      if (column.notNull && !column.identity) sql += ' NOT NULL'
      for (const check of column.checks) sql += ` CHECK (${check})`
      return sql
    }
    const list = (names: string[]) => names.map(q).join(', ')
    const statements: string[] = []
    for (const table of tables) {
      const lines = table.columns.map(columnSql)
      if (table.primaryKey) lines.push(`CONSTRAINT ${q(table.primaryKey.name)} PRIMARY KEY (${list(table.primaryKey.columns)})`)
      for (const unique of table.uniques) lines.push(`CONSTRAINT ${q(unique.name)} UNIQUE (${list(unique.columns)})`)
      statements.push(`CREATE TABLE ${qualified(table)} (\n${lines.map((line) => `  ${line}`).join(',\n')}\n)`)
    }
    for (const table of tables)
      for (const index of table.indexes)
        statements.push(
          `CREATE INDEX ${qualified(table, index.name)} ON ${qualified(table)} (${index.columns.map((c) => q(c.name) + (c.desc ? ' DESC' : '')).join(', ')})`,
        )
    for (const table of tables)
      for (const key of table.foreignKeys)
        statements.push(
          `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${q(key.name)} FOREIGN KEY (${list(key.columns)}) REFERENCES ${qualified(key.references)} (${list(key.referencedColumns)})` +
            (key.onDelete ? ` ON DELETE ${key.onDelete}` : ''),
        )
    const purge = this.options.target === 'h2' ? '' : ' PURGE'
    const dropStatements = dropOrder(tables).map((table) => `DROP TABLE ${qualified(table)} CASCADE CONSTRAINTS${purge}`)
    const warnings = [...this.warnings]
    const skipped = [...this.skipped]
    const notes = tables.some((table) => table.foreignKeys.length > 0)
      ? ["-- note: Oracle has no ON UPDATE actions: where Prisma's onUpdate: Cascade (its default) applies, updating a referenced key fails (ORA-02292) while rows reference it."]
      : []
    const target = this.options.target === 'h2' ? 'H2 in Oracle mode' : 'Oracle Database 12.2 or later'
    const header = (what: string, withNotes: boolean) =>
      [
        `-- ${what}, made by @prisma-pool/oracle (prisma-pool-oracle-ddl) for ${target}.`,
        ...(withNotes ? notes : []),
        ...(withNotes ? skipped.map((line) => `-- skipped: ${line}`) : []),
        ...(withNotes ? warnings.map((line) => `-- warning: ${line}`) : []),
      ].join('\n')
    const join = (items: readonly string[]) => (items.length === 0 ? '' : `${items.join(';\n')};\n`)
    return {
      statements,
      dropStatements,
      warnings,
      skipped,
      script: () => `${header('The tables of the Prisma schema', true)}\n${join(statements)}`,
      dropScript: () => `${header('Drops the tables of the Prisma schema', false)}\n${join(dropStatements)}`,
    }
  }
}

/** The tables, every referencing table before the tables it references (a cycle is cut where it closes). */
function dropOrder(tables: Table[]): Table[] {
  const created: Table[] = []
  const state = new Map<Table, 'visiting' | 'done'>()
  const visit = (table: Table) => {
    if (state.has(table)) return
    state.set(table, 'visiting')
    for (const key of table.foreignKeys) if (key.references !== table) visit(key.references)
    state.set(table, 'done')
    created.push(table)
  }
  for (const table of tables) visit(table)
  return created.reverse()
}
