// node-postgres' own conversion of a query parameter to the text it sends (lib/utils.js, exported by pg's package
// exports map but not in @types/pg).
declare module 'pg/lib/utils.js' {
  /** A parameter as pg sends it: text, a Buffer (sent as binary), or null. */
  export function prepareValue(value: unknown): string | Buffer | null
}
