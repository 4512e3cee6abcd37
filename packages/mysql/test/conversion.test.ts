// The text protocol's value inlining: placeholders found only outside strings, identifiers and comments;
// literals that are safe whether or not the session has NO_BACKSLASH_ESCAPES.
import { describe, expect, test } from 'vitest'
import type { ArgType } from '@prisma/driver-adapter-utils'
import { inlineArgs, quoteString, toLiteral } from '../src/conversion.js'

const arg = (scalarType: ArgType['scalarType'], dbType?: string): ArgType => ({ scalarType, dbType, arity: 'scalar' })

describe('inlineArgs', () => {
  test.each([
    ["SELECT '?', ?", ["'x'"], "SELECT '?', 'x'"],
    ['SELECT "?", `a?b`, ?', ['1'], 'SELECT "?", `a?b`, 1'],
    ["SELECT 'it\\'s ?', ?", ['1'], "SELECT 'it\\'s ?', 1"],
    ["SELECT 'a''?', ?", ['1'], "SELECT 'a''?', 1"],
    ['SELECT ? -- why?\n, ?', ['1', '2'], 'SELECT 1 -- why?\n, 2'],
    ['SELECT ? # why?\n, ?', ['1', '2'], 'SELECT 1 # why?\n, 2'],
    ['SELECT ? /* why? */, ?', ['1', '2'], 'SELECT 1 /* why? */, 2'],
    ['SELECT 5--?', ['1'], 'SELECT 5--1'],
  ])('%s', (sql, literals, expected) => {
    expect(inlineArgs(sql, literals, false)).toBe(expected)
  })

  test('placeholders inside executable comments and hints are placeholders: the server runs that SQL', () => {
    expect(inlineArgs('SELECT 1 /*! , ? */ /*M! , ? */ /*+ ? */', ['1', '2', '3'], false)).toBe('SELECT 1 /*! , 1 */ /*M! , 2 */ /*+ 3 */')
  })

  test('with NO_BACKSLASH_ESCAPES a backslash does not escape the closing quote', () => {
    expect(inlineArgs("SELECT 'C:\\', ?", ['1'], true)).toBe("SELECT 'C:\\', 1")
  })

  test('a count mismatch is an error, not a half-filled query', () => {
    expect(() => inlineArgs('SELECT ?, ?', ['1'], false)).toThrow('more placeholders than the 1 values given')
    expect(() => inlineArgs('SELECT ?', ['1', '2'], false)).toThrow('the query has 1 placeholders for 2 values')
  })
})

describe('literals', () => {
  test('strings are quoted for the SQL mode in force', () => {
    expect(quoteString("a'b\\c\n\0", false)).toBe("'a''b\\\\c\\n\\0'")
    expect(quoteString("a'b\\c\n", true)).toBe("'a''b\\c\n'")
  })

  test.each([
    [null, arg('string'), 'NULL'],
    ['9223372036854775807', arg('bigint'), '9223372036854775807'],
    [42, arg('int'), '42'],
    // A JS number that is no safe integer is a double: an exponent makes MySQL read it as one, not as a DECIMAL.
    [1.5, arg('float'), '1.5e0'],
    [2 ** 60, arg('decimal'), '1152921504606847000e0'],
    ['-12.3400', arg('decimal'), '-12.3400'],
    ['1 OR 1=1', arg('decimal'), "'1 OR 1=1'"],
    // Prisma sends Float fields as decimals marked with their column type.
    [`-15${'0'.repeat(299)}`, arg('decimal', 'DOUBLE'), '-1.5e+300'],
    [true, arg('boolean'), 'TRUE'],
    ['AAH/', arg('bytes'), "X'0001ff'"],
    [new Date('2020-01-02T03:04:05.006Z'), arg('datetime', 'DATETIME'), "'2020-01-02 03:04:05.006'"],
    ['2020-01-02T03:04:05Z', arg('datetime', 'DATE'), "'2020-01-02'"],
    [new Date('1970-01-01T13:14:15.100Z'), arg('datetime', 'TIME'), "'13:14:15.100'"],
    [{ a: 1 }, arg('unknown'), `'{"a":1}'`],
  ])('%j as %j is %s', (value, type, literal) => {
    expect(toLiteral(value, type, false)).toBe(literal)
  })

  test('values that are not what their type says are refused', () => {
    expect(() => toLiteral('1; DROP TABLE x', arg('bigint'), false)).toThrow('expected an integer')
    expect(() => toLiteral('18446744073709551616', arg('bigint'), false)).toThrow("outside the range of MySQL's BIGINT and BIGINT UNSIGNED")
    expect(() => toLiteral(Number.NaN, arg('float'), false)).toThrow('NaN cannot be sent to MySQL')
    expect(() => toLiteral('not a date', arg('datetime'), false)).toThrow('invalid DateTime value')
  })
})
