// For servers.test.ts: starts a private MariaDB, prints its port, and waits to be killed.
import { MariaDbServer } from './mariadb.js'

const server = await MariaDbServer.start()
process.stdout.write(`${server.port}\n`)
setInterval(() => {}, 60_000)
