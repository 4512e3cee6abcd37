#!/usr/bin/env node
// prisma-pool-oracle-ddl: the Oracle DDL for a Prisma schema (see src/ddl.ts, built to dist/ddl.mjs).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'

const USAGE = `Usage: prisma-pool-oracle-ddl [--schema <path>] [--drop] [--out <file>] [options]

Prints the Oracle DDL (CREATE TABLE, CREATE INDEX, ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY) of a Prisma
schema whose datasource says provider = "postgresql", as @prisma-pool/oracle expects the tables to be.

Options:
  --schema <path>           the Prisma schema: a file, or a folder of .prisma files
                            (default: ./prisma/schema.prisma, else ./schema.prisma)
  --drop                    print the DROP TABLE statements instead (referencing tables first)
  --out <file>              write the script to <file> instead of standard output
  --oracle-schema <name>    qualify the tables of models without @@schema with this Oracle schema (user),
                            as written (quoted: case-sensitive)
  --string-length <n>       a String without @db is NVARCHAR2(<n>) (default 2000)
  --max-string-size <size>  the database's MAX_STRING_SIZE: standard (default) or extended
  --no-json-check           no CHECK ("c" IS JSON) on Json columns (before Oracle 21c, IS JSON refuses
                            a top-level scalar such as 42, "text" or Prisma.JsonNull)
  --target <target>         oracle (default), or h2 for H2 in Oracle mode (no ON NULL, no PURGE)
  -h, --help                print this help

Warnings go to standard error, and into the script as comments.
Exit status: 0 done; 1 the schema was not found, is invalid, is not a postgresql schema, or has what
Oracle cannot hold (each problem is listed); 2 a wrong command line.
`

const fail = (message, status = 1) => {
  process.stderr.write(`prisma-pool-oracle-ddl: ${message}\n`)
  process.exitCode = status
}

function parse() {
  try {
    return parseArgs({
      options: {
        schema: { type: 'string' },
        drop: { type: 'boolean' },
        out: { type: 'string' },
        'oracle-schema': { type: 'string' },
        'string-length': { type: 'string' },
        'max-string-size': { type: 'string' },
        'no-json-check': { type: 'boolean' },
        target: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    fail(`${error.message}\nSee prisma-pool-oracle-ddl --help.`, 2)
    return undefined
  }
}

/** The schema's files as [name, text] pairs: one file, or every .prisma file of a folder (as Prisma reads one). */
function readSchema(path) {
  const display = (file) => {
    const near = relative(process.cwd(), file)
    return near && !near.startsWith('..') ? near : file
  }
  if (statSync(path).isDirectory()) {
    const files = []
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = join(dir, entry.name)
        if (entry.isDirectory()) walk(full)
        else if (entry.name.endsWith('.prisma')) files.push([display(full), readFileSync(full, 'utf8')])
      }
    }
    walk(path)
    if (files.length === 0) throw new Error(`no .prisma file in the folder ${display(path)}`)
    return files
  }
  return [[display(path), readFileSync(path, 'utf8')]]
}

async function main() {
  const args = parse()
  if (!args) return
  if (args.help) {
    process.stdout.write(USAGE)
    return
  }
  const options = {}
  if (args['oracle-schema'] !== undefined) options.schema = args['oracle-schema']
  if (args['string-length'] !== undefined) {
    if (!/^\d+$/.test(args['string-length'])) return fail(`--string-length takes a whole number, not ${JSON.stringify(args['string-length'])}`, 2)
    options.stringLength = Number(args['string-length'])
  }
  if (args['max-string-size'] !== undefined) {
    if (!['standard', 'extended'].includes(args['max-string-size']))
      return fail(`--max-string-size takes standard or extended, not ${JSON.stringify(args['max-string-size'])}`, 2)
    options.maxStringSize = args['max-string-size']
  }
  if (args.target !== undefined) {
    if (!['oracle', 'h2'].includes(args.target)) return fail(`--target takes oracle or h2, not ${JSON.stringify(args.target)}`, 2)
    options.target = args.target
  }
  if (args['no-json-check']) options.jsonCheck = false

  let path
  if (args.schema !== undefined) {
    path = resolve(args.schema)
    if (!existsSync(path)) return fail(`Prisma schema not found: ${args.schema} (no such file or folder)`)
  } else {
    path = ['prisma/schema.prisma', 'schema.prisma'].map((candidate) => resolve(candidate)).find((candidate) => existsSync(candidate))
    if (!path) return fail('no Prisma schema found: looked for ./prisma/schema.prisma and ./schema.prisma; pass --schema <path>')
  }
  let files
  try {
    files = readSchema(path)
  } catch (error) {
    return fail(`cannot read the Prisma schema ${args.schema ?? path}: ${error.message}`)
  }

  const built = new URL('../dist/ddl.mjs', import.meta.url)
  if (!existsSync(built)) return fail(`@prisma-pool/oracle is not built (${built.pathname} is missing): run pnpm build in packages/oracle`)
  const { oracleDdl, OracleDdlError } = await import(built.href)

  let ddl
  try {
    ddl = oracleDdl(files, options)
  } catch (error) {
    if (error instanceof OracleDdlError) return fail(error.message)
    throw error
  }
  for (const line of ddl.warnings) process.stderr.write(`warning: ${line}\n`)
  const script = args.drop ? ddl.dropScript() : ddl.script()
  if (args.out !== undefined) {
    try {
      writeFileSync(args.out, script)
    } catch (error) {
      return fail(`cannot write ${args.out}: ${error.message}`)
    }
    const count = args.drop ? ddl.dropStatements.length : ddl.statements.length
    process.stderr.write(`Wrote ${count} statement${count === 1 ? '' : 's'} to ${args.out}\n`)
  } else process.stdout.write(script)
}

await main()
