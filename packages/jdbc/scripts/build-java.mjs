// Compiles the Java helper (java/, source in the repository) into dist/java, which the package ships: no compiled
// class is committed. Needs a JDK's javac (Debian: openjdk-17-jdk-headless); --release 11 keeps the classes loadable
// by any JVM from 11 on.
import { execFileSync } from 'node:child_process'
import { readdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'dist', 'java')
const sources = []
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) walk(path)
    else if (entry.name.endsWith('.java')) sources.push(path)
  }
}
walk(join(root, 'java'))
rmSync(out, { recursive: true, force: true })
try {
  execFileSync('javac', ['--release', '11', '-encoding', 'UTF-8', '-Xlint:all', '-Werror', '-d', out, ...sources], { stdio: 'inherit' })
} catch (error) {
  if (error.code === 'ENOENT') throw new Error('@prisma-pool/jdbc: javac not found; install a JDK (Debian: apt-get install openjdk-17-jdk-headless)')
  throw error
}
