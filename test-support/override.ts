/** `target` with some members replaced; the others stay bound to it (private fields keep working). */
export function override<T extends object>(target: T, members: Partial<T>): T {
  return new Proxy(target, {
    get(t, key) {
      if (key in members) return members[key as keyof T]
      const value = Reflect.get(t, key) as unknown
      return typeof value === 'function' ? value.bind(t) : value
    },
  })
}
