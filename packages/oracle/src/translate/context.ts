// What one translation carries through its passes: the target, the argument types it reads (each read recorded, so
// that the cache knows which types the translation depends on), and what the plan must check per call or of the
// server (the arguments whose values change the plan, the SQL/JSON functions it uses).
import type { ArgTypes, TranslationTarget } from '../plan.js'

export type ArgType = ArgTypes[number]

export class TranslationContext {
  readonly target: TranslationTarget
  readonly #argTypes: ArgTypes | undefined
  readonly #typedBy = new Set<number>()
  /** A step compares whole JSON documents with JSON_EQUAL (the plan's requires.jsonScalars). */
  usesJsonFunctions = false
  /** Arguments compared with a BLOB through DBMS_LOB.COMPARE: empty bytes (or '') there are refused per call. */
  readonly lobArgs = new Set<number>()
  /** Arguments the plan is wrong for where they are NULL, with the refusal to give then. */
  readonly nonNullArgs = new Map<number, string>()

  constructor(target: TranslationTarget, argTypes: ArgTypes | undefined) {
    this.target = target
    this.#argTypes = argTypes
  }

  /** Prisma's type of argument `arg` (undefined where unknown), recorded as one the translation depends on. */
  typeOf(arg: number): ArgType | undefined {
    this.#typedBy.add(arg)
    return this.#argTypes?.[arg]
  }

  /** The arguments whose types were read, ascending. */
  get typedBy(): number[] {
    return [...this.#typedBy].sort((a, b) => a - b)
  }
}

const INTEGER_DB_TYPES = new Set(['INTEGER', 'INT', 'INT4', 'SMALLINT', 'INT2', 'BIGINT', 'INT8'])

/** An integer argument: Prisma's Int or BigInt (or a native integer type). */
export const isIntegerType = (type: ArgType | undefined): boolean =>
  type !== undefined && (type.scalarType === 'int' || type.scalarType === 'bigint' || INTEGER_DB_TYPES.has(type.dbType?.toUpperCase() ?? ''))

/** A bytes argument: Prisma's Bytes (BYTEA). */
export const isBytesType = (type: ArgType | undefined): boolean => type !== undefined && (type.scalarType === 'bytes' || type.dbType?.toUpperCase() === 'BYTEA')
