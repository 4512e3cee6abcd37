package dev.prismapool.jdbc;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * What JdbcSession does differently on xerial's SQLite driver (org.sqlite), where its JDBC layer falls short:
 * <ul>
 * <li>getString() of a REAL is SQLite's own 15-digit text (0.30000000000000004 reads "0.3"): a REAL cell goes out as a
 * JSON number (Double.toString round-trips; the infinities as ±1e999, which JSON.parse reads as ±Infinity).
 * <li>getColumnTypeName is the declared type, or for an expression the storage class of the first row's value: an
 * expression column (no table behind it, so no declared type) goes out with the type name "".
 * <li>xerial has no view of SQLite's transaction state. JDBC's autocommit flag tells it, except after a BEGIN that the
 * application ran itself: after a statement that may start or end a transaction, SQLite is asked (a BEGIN fails inside
 * one).
 * <li>With transaction_mode=IMMEDIATE (which takes the write lock at BEGIN, so that a transaction that reads first does
 * not fail with SQLITE_BUSY when it comes to write), xerial's commit() and rollback() begin the next transaction at
 * once in that mode, taking the write lock again for nothing: the mode is set for our BEGIN only, DEFERRED otherwise.
 * <li>Connection.abort does nothing: the running statement is interrupted and the connection closed.
 * <li>Statement.execute runs only the first statement of a script: JdbcSession.script uses executeUpdate here, which
 * runs them all (sqlite3_exec).
 * </ul>
 */
final class Sqlite {
    /** The first keyword of a statement that may start or end a transaction (after blanks and comments). */
    private static final Pattern TRANSACTION_CONTROL =
        Pattern.compile("(?:\\s|--[^\\n]*(?:\\n|$)|/\\*.*?\\*/)*(?:BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** xerial's SQLiteConnectionConfig and its setTransactionMode, or null where this xerial has neither. */
    private final Object config;
    private final Method setMode;
    /** The mode our BEGIN takes (the transaction_mode property), and DEFERRED, which xerial's own re-begin takes. */
    private final Object beginMode;
    private final Object deferred;
    /** Whether SQLite is inside a transaction that JDBC does not know of (a BEGIN the application ran). */
    boolean rawTransaction;

    private Sqlite(Object config, Method setMode, Object beginMode, Object deferred) {
        this.config = config;
        this.setMode = setMode;
        this.beginMode = beginMode;
        this.deferred = deferred;
    }

    /** The SQLite support of `connection`, or null for another driver's connection. */
    static Sqlite of(Connection connection) throws SQLException {
        if (!connection.getClass().getName().startsWith("org.sqlite.")) return null;
        try {
            Object config = connection.getClass().getMethod("getConnectionConfig").invoke(connection);
            Method getMode = config.getClass().getMethod("getTransactionMode");
            Method setMode = config.getClass().getMethod("setTransactionMode", getMode.getReturnType());
            Object deferred = null;
            for (Object mode : getMode.getReturnType().getEnumConstants()) {
                if (((Enum<?>) mode).name().equals("DEFERRED")) deferred = mode;
            }
            Sqlite sqlite = new Sqlite(config, setMode, getMode.invoke(config), deferred);
            sqlite.mode(deferred);
            return sqlite;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Another xerial: its BEGIN takes transaction_mode as it is.
            return new Sqlite(null, null, null, null);
        }
    }

    /** sqlite3_total_changes() of the connection (xerial's DB.total_changes), or -1 where this xerial has none. */
    long totalChanges(Connection connection) {
        try {
            Object db = connection.getClass().getMethod("getDatabase").invoke(connection);
            return ((Number) db.getClass().getMethod("total_changes").invoke(db)).longValue();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** The type name JdbcSession sends: "" for an expression (SQLite has no declared type for it). */
    String typeName(ResultSetMetaData meta, int column) throws SQLException {
        String table = meta.getTableName(column);
        return table == null || table.isEmpty() ? "" : meta.getColumnTypeName(column);
    }

    /** Appends a cell of a non-binary column as JSON: a REAL as a number, anything else as its text. */
    void cell(StringBuilder out, ResultSet rows, int column) throws SQLException {
        Object value = rows.getObject(column);
        if (value instanceof Double) {
            double real = (Double) value;
            if (Double.isNaN(real)) out.append("null");
            else if (Double.isInfinite(real)) out.append(real > 0 ? "1e999" : "-1e999");
            else out.append(Double.toString(real));
        } else if (value == null || value instanceof String) {
            JdbcSession.string(out, (String) value);
        } else if (value instanceof byte[]) {
            // A BLOB in a column that is not binary by its first row (whose value was NULL, say): its bytes, tagged.
            out.append("{\"b\":\"").append(java.util.Base64.getEncoder().encodeToString((byte[]) value)).append("\"}");
        } else {
            JdbcSession.string(out, value.toString());
        }
    }

    /** Starts a transaction in the transaction_mode of the connection (DEFERRED, IMMEDIATE or EXCLUSIVE). */
    void begin(Connection connection) throws SQLException {
        if (config == null || beginMode == deferred) {
            connection.setAutoCommit(false);
            return;
        }
        mode(beginMode);
        try {
            connection.setAutoCommit(false);
        } finally {
            mode(deferred);
        }
    }

    /** After a statement: where it may have started or ended a transaction of its own, asks SQLite whether one is open. */
    void afterStatement(Connection connection, String sql) throws SQLException {
        if (connection.getAutoCommit() && TRANSACTION_CONTROL.matcher(sql).lookingAt()) rawTransaction = inTransaction(connection);
    }

    /** After a script (any statement may be in it). */
    void afterScript(Connection connection) throws SQLException {
        if (connection.getAutoCommit()) rawTransaction = inTransaction(connection);
    }

    /** The transaction state JdbcSession reports: 1 inside a transaction, JDBC's or the application's own, else 0. */
    int state(Connection connection) throws SQLException {
        return connection.getAutoCommit() && !rawTransaction ? 0 : 1;
    }

    /** Interrupts the running statement (SQLite waits for nothing else) and closes: xerial's abort() does nothing. */
    static void abort(Connection connection, Statement running) throws SQLException {
        if (running != null) running.cancel();
        connection.close();
    }

    /** Whether SQLite is inside a transaction: a BEGIN fails there; outside, the empty transaction it starts is ended. */
    private static boolean inTransaction(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            try {
                statement.execute("BEGIN");
            } catch (SQLException inside) {
                return true;
            }
            statement.execute("COMMIT");
            return false;
        }
    }

    private void mode(Object mode) throws SQLException {
        if (config == null || mode == null) return;
        try {
            setMode.invoke(config, mode);
        } catch (ReflectiveOperationException e) {
            throw new SQLException("prisma-pool: could not set xerial's transaction mode: " + e, e);
        }
    }
}
