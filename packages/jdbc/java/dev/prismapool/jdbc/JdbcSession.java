package dev.prismapool.jdbc;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * One JDBC connection, as @prisma-pool/jdbc drives it from Node.js (node-java). Every call from JavaScript costs a
 * crossing of about 25 µs, so each method does a whole step in Java: a statement runs, binds its arguments and comes
 * back with its whole result as one JSON text. Public class, public methods only: node-java aborts the process on a
 * call to a method of a class that is not public.
 *
 * Arguments arrive as one string: per argument a code, then (except for N) the value's length in UTF-16 units, ':',
 * and the value as text. Codes: N null, S string, I int, L long, D double, M decimal, B boolean ("1"/"0"), Y bytes
 * (base64), O an untyped value (setObject with Types.OTHER: PostgreSQL infers its type, as for node-postgres' text
 * parameters).
 *
 * The calls that change it answer with the session's transaction state after them (run() as its last element): 0 none,
 * 1 open, 2 unknown; after a failure, lastState() tells it.
 */
public final class JdbcSession {
    private final Connection connection;
    private final Map<String, Savepoint> savepoints = new HashMap<>();
    /** The statement running now, for cancel() from another thread. */
    private volatile Statement running;
    /** The driver's own view of the server's transaction state, where it has one (read by reflection). */
    private final Method transactionState;
    private final Object transactionStateTarget;
    /** The session's isolation level before a begin() changed it through JDBC (read then, once); -1 until then. */
    private int defaultIsolation = -1;
    /** Whether begin() changed the session's isolation level through JDBC, to be restored when the transaction ends. */
    private boolean isolationChanged;
    /** The transaction state when the last call failed, read on the thread that ran it (see lastState()). */
    private volatile int lastState = 2;
    /** xerial's SQLite driver: what this class does differently there (see Sqlite.java); else null. */
    private final Sqlite sqlite;
    /** MariaDB Connector/J: what this class asks of it beyond JDBC (see MariaDb.Session); else null. */
    private final MariaDb.Session mariaDbSession;

    private JdbcSession(Connection connection) throws SQLException {
        this.connection = connection;
        Object[] probe = transactionProbe(connection);
        this.transactionStateTarget = probe[0];
        this.transactionState = (Method) probe[1];
        this.sqlite = Sqlite.of(connection);
        this.mariaDbSession = MariaDb.Session.of(connection);
    }

    /** Opens a connection; `properties` holds names and values in turn. */
    public static JdbcSession open(String url, String[] properties) throws SQLException {
        Properties info = new Properties();
        for (int i = 0; i + 1 < properties.length; i += 2) info.setProperty(properties[i], properties[i + 1]);
        Connection connection = DriverManager.getConnection(url, info);
        try {
            connection.setAutoCommit(true);
            return new JdbcSession(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The name and version of the driver that accepts `url`, or an SQLException (08001) when none does. */
    public static String driverFor(String url) throws SQLException {
        java.sql.Driver driver = DriverManager.getDriver(url);
        return driver.getClass().getName() + " " + driver.getMajorVersion() + "." + driver.getMinorVersion();
    }

    /**
     * Runs a statement: `[columnCount, name, typeName, jdbcType, typeId, …, cell, cell, …, updateCount, generatedKey, state]` as
     * JSON. Cells are getString() text, or base64 of getBytes() for binary columns; updateCount is -1 for a query;
     * generatedKey (asked for with `generatedKeys`) is the first generated key's text, or null. typeId is the
     * database's own id of the column's type where the driver keeps one (PostgreSQL's OID; then typeName is ""), else -1.
     */
    public String run(String sql, String args, int flags) throws SQLException {
        boolean generatedKeys = (flags & GENERATED_KEYS) != 0;
        try (PreparedStatement statement = prepare(sql, args, generatedKeys)) {
            if (mariaDbSession != null) mariaDbSession.beforeStatement();
            StringBuilder out = new StringBuilder(256).append('[');
            long updateCount = -1;
            long changesBefore = sqlite != null ? sqlite.totalChanges(connection) : 0;
            // Whether it returned rows, asked once: xerial's getResultSet() refuses a second call ("ResultSet already requested").
            boolean returnsRows = statement.execute();
            if (returnsRows && (flags & COUNT_ROWS) != 0) {
                // An execute (Prisma's $executeRaw) of a statement that returns rows counts them, as node-postgres does.
                long count = 0;
                try (ResultSet rows = statement.getResultSet()) {
                    while (rows.next()) count++;
                }
                out.append(0);
                updateCount = count;
            } else if (returnsRows) {
                try (ResultSet rows = statement.getResultSet()) {
                    ResultSetMetaData meta = rows.getMetaData();
                    int columns = meta.getColumnCount();
                    boolean[] binary = new boolean[columns + 1];
                    // MariaDB Connector/J's getString() reads dates through a lenient calendar: see MariaDb.java.
                    MariaDb mariadb = MariaDb.temporalColumns(statement, meta, columns);
                    out.append(columns);
                    for (int i = 1; i <= columns; i++) {
                        int type = meta.getColumnType(i);
                        binary[i] = type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY || type == Types.BLOB;
                        string(out.append(','), meta.getColumnLabel(i));
                        int typeId = typeId(meta, i);
                        // pgjdbc's getColumnTypeName may query the server (for serial columns): its OID says it all.
                        string(out.append(','), sqlite != null ? sqlite.typeName(meta, i) : typeId < 0 ? meta.getColumnTypeName(i) : "");
                        out.append(',').append(type).append(',').append(typeId);
                    }
                    while (rows.next()) {
                        for (int i = 1; i <= columns; i++) {
                            out.append(',');
                            if (!binary[i]) {
                                if (sqlite != null) sqlite.cell(out, rows, i);
                                else if (mariadb != null && mariadb.handles(i)) string(out, mariadb.cell(rows, i));
                                else string(out, rows.getString(i));
                                continue;
                            }
                            byte[] bytes = rows.getBytes(i);
                            if (bytes == null) out.append("null");
                            else out.append('"').append(Base64.getEncoder().encodeToString(bytes)).append('"');
                        }
                        if (out.length() > MAX_RESULT_CHARS) throw tooLarge();
                    }
                }
            } else {
                out.append(0);
                updateCount = Math.max(statement.getLargeUpdateCount(), 0);
                // xerial reports sqlite3_changes(), which only INSERT, UPDATE and DELETE set: a CREATE TABLE after an
                // UPDATE would report the UPDATE's rows. Nothing changed: 0, as better-sqlite3 says.
                if (sqlite != null && changesBefore >= 0 && sqlite.totalChanges(connection) == changesBefore) updateCount = 0;
            }
            out.append(',').append(updateCount).append(',');
            String key = null;
            if (generatedKeys && updateCount > 0) {
                try (ResultSet keys = statement.getGeneratedKeys()) {
                    if (keys != null && keys.next()) key = keys.getString(1);
                }
            }
            string(out, key);
            // Last: a statement may open or end a transaction (a raw BEGIN, a COMMIT).
            if (sqlite != null) sqlite.afterStatement(connection, sql);
            return out.append(',').append(state() | mariaDbChanged()).append(']').toString();
        } catch (SQLException | RuntimeException e) {
            recordFailure();
            throw e;
        } finally {
            running = null;
        }
    }

    /** run() flags: return the first generated key (MySQL's lastInsertId); count the rows of a result instead of returning them. */
    static final int GENERATED_KEYS = 1;
    static final int COUNT_ROWS = 2;

    /**
     * The longest result run() returns, in UTF-16 units of its JSON: V8's strings end at 2^29 - 24 of them, and node-java
     * aborts the process on a longer one. 200 M leaves room, and is far beyond what a query of Prisma's should return.
     */
    private static final int MAX_RESULT_CHARS = 200_000_000;

    private static SQLException tooLarge() {
        return new SQLException(
            "prisma-pool: this statement's result is larger than " + MAX_RESULT_CHARS / 1_000_000 + " M characters as text, more than a "
                + "Node.js string can hold: read it in parts (take and skip, or cursor pagination)", "54000");
    }

    /** Keeps the transaction state at a failure, read here on the thread that ran the statement, for lastState(). */
    private void recordFailure() {
        try {
            lastState = state();
        } catch (SQLException | RuntimeException e) {
            lastState = 2;
        }
    }

    /** The transaction state when the last call failed: a field, so the main thread never waits for the driver's lock. */
    public int lastState() {
        return lastState;
    }

    /** Runs SQL text as the driver sends it, without arguments (a script, SET, transaction control). */
    public int script(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            running = statement;
            if (mariaDbSession != null) mariaDbSession.beforeStatement();
            // xerial's execute runs the first statement only; its executeUpdate runs them all (sqlite3_exec).
            if (sqlite != null) statement.executeUpdate(sql);
            else statement.execute(sql);
            if (sqlite != null) sqlite.afterScript(connection);
            return state() | mariaDbChanged();
        } catch (SQLException | RuntimeException e) {
            recordFailure();
            throw e;
        } finally {
            running = null;
        }
    }

    /**
     * Starts a transaction. `isolationSql` sets its isolation level for this transaction alone (PostgreSQL's and MySQL's
     * SET TRANSACTION ISOLATION LEVEL, sent first); else `isolation`, a java.sql.Connection level or -1 for the
     * session's own, goes through JDBC, which sets it for the session: it is restored when the transaction ends.
     */
    public int begin(int isolation, String isolationSql) throws SQLException {
        try {
            if (sqlite == null && isolationSql != null) {
                connection.setAutoCommit(false);
                script(isolationSql);
                return state();
            }
            if (isolation >= 0) {
                if (defaultIsolation < 0) defaultIsolation = connection.getTransactionIsolation();
                connection.setTransactionIsolation(isolation);
                isolationChanged = true;
            }
            if (sqlite != null) sqlite.begin(connection);
            else connection.setAutoCommit(false);
            return state();
        } catch (SQLException | RuntimeException e) {
            recordFailure();
            throw e;
        }
    }

    public int commit() throws SQLException {
        return end(true);
    }

    public int rollback() throws SQLException {
        return end(false);
    }

    /** Commits or rolls back ours (autocommit off) or a raw BEGIN's, then restores autocommit and the isolation level. */
    private int end(boolean commit) throws SQLException {
        try {
            if (!connection.getAutoCommit()) {
                if (commit) connection.commit();
                else connection.rollback();
            } else if (sqlite == null || sqlite.rawTransaction) {
                script(commit ? "COMMIT" : "ROLLBACK");
            }
        } catch (SQLException | RuntimeException e) {
            endTransactionQuietly();
            recordFailure();
            throw e;
        }
        endTransaction();
        return state();
    }

    private void endTransaction() throws SQLException {
        savepoints.clear();
        connection.setAutoCommit(true);
        if (isolationChanged) {
            isolationChanged = false;
            connection.setTransactionIsolation(defaultIsolation);
        }
    }

    /** After a failed COMMIT or ROLLBACK: what can be restored is, and the failure is the one reported. */
    private void endTransactionQuietly() {
        try {
            endTransaction();
        } catch (SQLException | RuntimeException e) {
            // The connection is likely gone; the first error says why.
        }
    }

    public int savepoint(String name) throws SQLException {
        try {
            savepoints.put(name, connection.setSavepoint(name));
            return state();
        } catch (SQLException | RuntimeException e) {
            recordFailure();
            throw e;
        }
    }

    public int rollbackTo(String name) throws SQLException {
        try {
            connection.rollback(savepoint(name, "ROLLBACK TO"));
            return state();
        } catch (SQLException | RuntimeException e) {
            recordFailure();
            throw e;
        }
    }

    public int release(String name) throws SQLException {
        try {
            connection.releaseSavepoint(savepoint(name, "RELEASE"));
            savepoints.remove(name);
            return state();
        } catch (SQLException | RuntimeException e) {
            recordFailure();
            throw e;
        }
    }

    private Savepoint savepoint(String name, String what) throws SQLException {
        Savepoint savepoint = savepoints.get(name);
        if (savepoint == null) throw new SQLException(what + " SAVEPOINT " + name + ": no such savepoint", "3B001");
        return savepoint;
    }

    /**
     * Whether the connection is still open, as far as the driver can tell without a round trip, for an idle connection
     * (never while a statement runs): pgjdbc reads what the server sent unasked, such as the FATAL message of a
     * terminated session, and closes itself on it; other drivers say what they know (isClosed).
     */
    public boolean alive() {
        try {
            if (connection.isClosed()) return false;
            // MariaDB Connector/J reads nothing unasked: see MariaDb.Session.alive.
            if (mariaDbSession != null) return mariaDbSession.alive();
            Class<?> postgres = Class.forName("org.postgresql.PGConnection", false, connection.getClass().getClassLoader());
            // Only when bytes wait on the socket: pgjdbc's own check would block for a millisecond reading it.
            if (connection.isWrapperFor(postgres) && pgBytesWaiting()) {
                postgres.getMethod("getNotifications").invoke(connection.unwrap(postgres));
            }
            return !connection.isClosed();
        } catch (java.lang.reflect.InvocationTargetException e) {
            // The driver read the end of the session.
            return false;
        } catch (ReflectiveOperationException | SQLException | java.io.IOException | RuntimeException e) {
            return true;
        }
    }

    /**
     * Whether bytes the server sent unasked wait on pgjdbc's socket (a FATAL message before it closes the session),
     * without reading them. A TLS socket tells only what it has decrypted: there the pool's pre-ping finds the end.
     */
    private boolean pgBytesWaiting() throws ReflectiveOperationException, SQLException, java.io.IOException {
        Class<?> base = Class.forName("org.postgresql.core.BaseConnection", false, connection.getClass().getClassLoader());
        Object executor = base.getMethod("getQueryExecutor").invoke(connection.unwrap(base));
        java.lang.reflect.Field field = null;
        for (Class<?> type = executor.getClass(); type != null && field == null; type = type.getSuperclass()) {
            try {
                field = type.getDeclaredField("pgStream");
            } catch (NoSuchFieldException e) {
                // Up the hierarchy: QueryExecutorBase keeps it.
            }
        }
        if (field == null) return false;
        field.setAccessible(true);
        Object stream = field.get(executor);
        java.net.Socket socket = (java.net.Socket) stream.getClass().getMethod("getSocket").invoke(stream);
        return socket.getInputStream().available() > 0;
    }

    /**
     * Keeps no statement prepared on the server from now on (behind a pooler in transaction mode, where the next
     * transaction may run on another server connection): pgjdbc's prepare threshold 0. Other drivers keep theirs.
     */
    public void unprepared() {
        try {
            Class<?> postgres = Class.forName("org.postgresql.PGConnection", false, connection.getClass().getClassLoader());
            if (connection.isWrapperFor(postgres)) postgres.getMethod("setPrepareThreshold", int.class).invoke(connection.unwrap(postgres), 0);
        } catch (ReflectiveOperationException | SQLException | RuntimeException e) {
            // Not PostgreSQL's driver.
        }
    }

    /** Interrupts the statement running now, if any (called from another thread than the statement's). */
    public void cancel() throws SQLException {
        Statement statement = running;
        if (statement != null) statement.cancel();
    }

    /** Connection.isValid: the driver's cheapest round trip. */
    public boolean isValid(int timeoutSeconds) throws SQLException {
        return connection.isValid(timeoutSeconds);
    }

    public void close() throws SQLException {
        connection.close();
    }

    /** Closes the connection at once, without a goodbye: a statement still running fails. */
    public void abort() throws SQLException {
        if (sqlite != null) {
            Sqlite.abort(connection, running);
            return;
        }
        Executor now = Runnable::run;
        connection.abort(now);
    }

    /** The server's id of this session, where the driver tells (PostgreSQL's backend pid, MariaDB's thread id); else -1. */
    public long sessionId() {
        try {
            Class<?> postgres = Class.forName("org.postgresql.PGConnection", false, connection.getClass().getClassLoader());
            if (connection.isWrapperFor(postgres)) return ((Number) postgres.getMethod("getBackendPID").invoke(connection.unwrap(postgres))).longValue();
        } catch (ReflectiveOperationException | SQLException | RuntimeException e) {
            // Not PostgreSQL's driver.
        }
        try {
            Object protocol = protocol(connection);
            if (protocol != null) return ((Number) protocol.getClass().getMethod("getServerThreadId").invoke(protocol)).longValue();
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not MariaDB's driver.
        }
        return -1;
    }

    /** Server fields of PostgreSQL's ServerErrorMessage, by the names node-postgres gives them. */
    private static final String[][] SERVER_FIELDS = {
        {"getSeverity", "severity"}, {"getMessage", "message"}, {"getDetail", "detail"}, {"getHint", "hint"}, {"getConstraint", "constraint"},
        {"getColumn", "column"}, {"getTable", "table"}, {"getSchema", "schema"}, {"getDatatype", "dataType"},
    };

    /**
     * An exception as JSON: `{"className", "sqlState", "vendorCode", "message", "fields": {…}, "causes": […]}`, read in
     * one call (a Java exception's getters would each cost a crossing). The message is the exception's first line.
     */
    public static String describe(Throwable error) {
        StringBuilder out = new StringBuilder(256).append("{\"className\":");
        string(out, error.getClass().getName());
        String message = String.valueOf(error.getMessage());
        int newline = message.indexOf('\n');
        string(out.append(",\"message\":"), newline < 0 ? message : message.substring(0, newline));
        if (error instanceof SQLException) {
            SQLException sql = (SQLException) error;
            string(out.append(",\"sqlState\":"), sql.getSQLState());
            out.append(",\"vendorCode\":").append(sql.getErrorCode());
        }
        out.append(",\"fields\":{");
        try {
            Object server = error.getClass().getMethod("getServerErrorMessage").invoke(error);
            boolean first = true;
            if (server != null) {
                for (String[] field : SERVER_FIELDS) {
                    Object value = server.getClass().getMethod(field[0]).invoke(server);
                    if (value == null) continue;
                    if (!first) out.append(',');
                    first = false;
                    string(out, field[1]);
                    string(out.append(':'), value.toString());
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not PostgreSQL's exception: no server fields.
        }
        out.append("},\"causes\":[");
        Throwable cause = error.getCause();
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            if (depth > 0) out.append(',');
            string(out, cause.getClass().getName());
        }
        return out.append("]}").toString();
    }

    private PreparedStatement prepare(String sql, String args, boolean generatedKeys) throws SQLException {
        PreparedStatement statement = generatedKeys ? connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS) : connection.prepareStatement(sql);
        try {
            bind(statement, args);
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
        running = statement;
        return statement;
    }

    private static void bind(PreparedStatement statement, String args) throws SQLException {
        int at = 0;
        int index = 1;
        while (at < args.length()) {
            char code = args.charAt(at++);
            if (code == 'N') {
                statement.setNull(index++, Types.NULL);
                continue;
            }
            int colon = args.indexOf(':', at);
            int length = Integer.parseInt(args, at, colon, 10);
            String value = args.substring(colon + 1, colon + 1 + length);
            at = colon + 1 + length;
            switch (code) {
                case 'S': statement.setString(index, value); break;
                case 'I': statement.setInt(index, Integer.parseInt(value)); break;
                case 'L': statement.setLong(index, Long.parseLong(value)); break;
                case 'D': statement.setDouble(index, Double.parseDouble(value)); break;
                case 'M': statement.setBigDecimal(index, new BigDecimal(value)); break;
                case 'B': statement.setBoolean(index, value.equals("1")); break;
                case 'Y': statement.setBytes(index, Base64.getDecoder().decode(value)); break;
                case 'O': statement.setObject(index, value, Types.OTHER); break;
                default: throw new SQLException("prisma-pool: unknown argument code " + code);
            }
            index++;
        }
    }

    /** PostgreSQL's result metadata keeps each column's type OID in a Field behind a protected getter. */
    private static Method pgField;
    private static Method pgOid;

    private static int typeId(ResultSetMetaData meta, int column) {
        if (!meta.getClass().getName().equals("org.postgresql.jdbc.PgResultSetMetaData")) return -1;
        try {
            if (pgField == null) {
                Method field = meta.getClass().getDeclaredMethod("getField", int.class);
                field.setAccessible(true);
                pgOid = field.getReturnType().getMethod("getOID");
                pgField = field;
            }
            return (Integer) pgOid.invoke(pgField.invoke(meta, column));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * 0 outside a transaction, 1 inside one (or a failed one), 2 when the driver cannot tell. Autocommit off is a
     * transaction of ours, though pgjdbc sends its BEGIN only with the next statement. A driver with no view of the
     * server's state (no probe below) is taken to be outside one in autocommit: a raw BEGIN there goes unseen.
     */
    private int state() throws SQLException {
        if (sqlite != null) return sqlite.state(connection);
        if (!connection.getAutoCommit()) return 1;
        if (transactionState != null) {
            try {
                Object state = transactionState.invoke(transactionStateTarget);
                if (state instanceof Boolean) return (Boolean) state ? 1 : 0;
                return "IDLE".equals(String.valueOf(state)) ? 0 : 1;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return 2;
            }
        }
        return 0;
    }

    /** Where the driver keeps the server's own transaction flag: PostgreSQL's TransactionState, MariaDB's protocol. */
    private static Object[] transactionProbe(Connection connection) {
        try {
            Class<?> base = Class.forName("org.postgresql.core.BaseConnection", false, connection.getClass().getClassLoader());
            if (connection.isWrapperFor(base)) {
                Object target = connection.unwrap(base);
                return new Object[] {target, base.getMethod("getTransactionState")};
            }
        } catch (ReflectiveOperationException | SQLException | RuntimeException e) {
            // Not PostgreSQL's driver.
        }
        try {
            Object protocol = protocol(connection);
            if (protocol != null) {
                Class<?> type = Class.forName("org.mariadb.jdbc.internal.protocol.Protocol", false, connection.getClass().getClassLoader());
                return new Object[] {protocol, type.getMethod("inTransaction")};
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not MariaDB's driver.
        }
        return new Object[] {null, null};
    }

    /**
     * Added to the state run() and script() answer with (state | SESSION_CHANGED): the statement changed the session
     * (MariaDB: MariaDb.Session.afterStatement), which is then not to be handed on.
     */
    static final int SESSION_CHANGED = 4;

    /** SESSION_CHANGED when the statement just run on MariaDB changed the session, else 0. */
    private int mariaDbChanged() {
        return mariaDbSession != null && mariaDbSession.afterStatement() ? SESSION_CHANGED : 0;
    }

    /** MariaDB Connector/J 2.x keeps the server's status in its protocol object, behind a protected getter. */
    static Object protocol(Connection connection) throws ReflectiveOperationException {
        Class<?> type = connection.getClass();
        if (!type.getName().equals("org.mariadb.jdbc.MariaDbConnection")) return null;
        Method getter = type.getDeclaredMethod("getProtocol");
        getter.setAccessible(true);
        return getter.invoke(connection);
    }

    /** Appends a JSON string (or null). */
    static void string(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
            }
        }
        out.append('"');
    }
}
