package dev.prismapool.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What JdbcSession reads differently on MariaDB Connector/J (org.mariadb.jdbc): DATE, DATETIME and TIMESTAMP cells.
 * Connector/J's getString() goes through a java.sql.Date or Timestamp, built with a lenient Julian-Gregorian calendar:
 * a day of 1582's calendar change (1582-10-10, a valid MySQL date) comes back ten days later, a date with a zero month
 * or day (2024-00-10, which MariaDB's default sql_mode accepts) as another day (2023-12-10), and a zero DATETIME over the
 * binary protocol as null. getBytes() holds the server's own value instead: its text over the text protocol (client-side
 * prepared statements), the binary protocol's date structure over server-side prepared ones, written out here as the
 * server's text would be. Also what JdbcSession asks of a Connector/J connection beyond JDBC (Session), and the sockets
 * it has Connector/J make (Sockets: public, so that Connector/J can make the factory).
 */
public final class MariaDb {
    private static final byte NONE = 0;
    private static final byte DATE = 1;
    private static final byte DATETIME = 2;

    /** Per column (from 1): NONE, DATE, or DATETIME (TIMESTAMP too). */
    private final byte[] kinds;
    /** The rows come in the binary protocol (a server-side prepared statement). */
    private final boolean binaryProtocol;

    private MariaDb(byte[] kinds, boolean binaryProtocol) {
        this.kinds = kinds;
        this.binaryProtocol = binaryProtocol;
    }

    /** The temporal columns of a MariaDB result, or null for another driver's or a result without any. */
    static MariaDb temporalColumns(Statement statement, ResultSetMetaData meta, int columns) throws SQLException {
        String statementClass = statement.getClass().getName();
        if (!statementClass.startsWith("org.mariadb.jdbc.")) return null;
        byte[] kinds = new byte[columns + 1];
        boolean any = false;
        for (int i = 1; i <= columns; i++) {
            // By name: with yearIsDateType, a YEAR column is a java.sql.Types.DATE too.
            String name = meta.getColumnTypeName(i);
            kinds[i] = "DATE".equals(name) ? DATE : "DATETIME".equals(name) || "TIMESTAMP".equals(name) ? DATETIME : NONE;
            any |= kinds[i] != NONE;
        }
        return any ? new MariaDb(kinds, statementClass.equals("org.mariadb.jdbc.ServerSidePreparedStatement")) : null;
    }

    boolean handles(int column) {
        return kinds[column] != NONE;
    }

    /** The cell as the server writes it: `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS[.ffffff]`; null for SQL NULL. */
    String cell(ResultSet rows, int column) throws SQLException {
        byte[] bytes = rows.getBytes(column);
        if (bytes == null) return null;
        if (!binaryProtocol) return new String(bytes, StandardCharsets.US_ASCII);
        return fromBinary(bytes, kinds[column] == DATE);
    }

    /**
     * The binary protocol's DATE / DATETIME structure (MySQL's MYSQL_TIME): no bytes for a zero date, then year (2 bytes,
     * little-endian), month, day, then hour, minute, second, then microseconds (4 bytes, little-endian), each part only
     * when it or a later one is not zero.
     */
    private static String fromBinary(byte[] b, boolean dateOnly) {
        int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0;
        if (b.length >= 4) {
            year = (b[0] & 0xff) | (b[1] & 0xff) << 8;
            month = b[2];
            day = b[3];
        }
        if (b.length >= 7) {
            hour = b[4];
            minute = b[5];
            second = b[6];
        }
        if (b.length >= 11) micros = (b[7] & 0xff) | (b[8] & 0xff) << 8 | (b[9] & 0xff) << 16 | (b[10] & 0xff) << 24;
        String date = String.format("%04d-%02d-%02d", year, month, day);
        if (dateOnly) return date;
        String time = String.format("%s %02d:%02d:%02d", date, hour, minute, second);
        return micros == 0 ? time : time + String.format(".%06d", micros);
    }

    /**
     * The `socketFactory` of MariaDB connections (Connector/J 2.7 takes a class name, makes the factory by reflection, and
     * logs in on the calling thread): its sockets are tracked as TrackedSocketFactory's are, so that the pool's abort of
     * a connect closes them (see Connect), and each is a SocketChannel's, which Session.alive reads without waiting.
     */
    public static final class Sockets extends TrackedSocketFactory {
        @Override
        protected Socket newSocket() throws IOException {
            return SocketChannel.open().socket();
        }
    }

    /**
     * What JdbcSession asks of a MariaDB Connector/J 2.x connection beyond JDBC, by reflection on its protocol object
     * (org.mariadb.jdbc.internal.protocol.Protocol, public methods): whether the server has ended an idle session, with
     * no round trip, and whether a statement changed the session's state as the server tracks it.
     */
    static final class Session {
        /** The OK packet's SERVER_SESSION_STATE_CHANGED flag: a variable of session_track_system_variables changed. */
        private static final short SESSION_STATE_CHANGED = 1 << 14;

        private final Object protocol;
        private final Method lock;
        private final Method socket;
        private final Method reader;
        private final Method readerStream;
        private final Field serverStatus;
        private final ByteBuffer peeked = ByteBuffer.allocate(1);
        /** When a socket without a channel was last read with a timeout (System.nanoTime()). */
        private long waitedAt = System.nanoTime();

        private Session(Object protocol, Class<?> type) throws ReflectiveOperationException {
            this.protocol = protocol;
            this.lock = type.getMethod("getLock");
            this.socket = type.getMethod("getSocket");
            this.reader = type.getMethod("getReader");
            this.readerStream = reader.getReturnType().getMethod("getInputStream");
            // A public field of AbstractConnectProtocol (no getter): the status flags of the last OK packet.
            this.serverStatus = protocol.getClass().getField("serverStatus");
        }

        /** The connection's protocol, or null for another driver's connection (JdbcSession.protocol). */
        static Session of(Connection connection) {
            try {
                Object protocol = JdbcSession.protocol(connection);
                if (protocol == null) return null;
                Class<?> type = Class.forName("org.mariadb.jdbc.internal.protocol.Protocol", false, connection.getClass().getClassLoader());
                return new Session(protocol, type);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        /**
         * Whether the idle connection's session still runs. JDBC has no call for it, Connector/J notices a closed socket
         * only when it next sends, and MariaDB closes a session it kills while idle without a word (no error packet: the
         * socket just ends). Bytes nobody asked for, or the end of the stream, say the session has ended: the reader's
         * buffer is looked at, then the socket is read without waiting (its channel switched to non-blocking for one
         * read; Sockets makes channel sockets). Another socket (a socketFactory of the user's own) is read with the
         * shortest timeout, 1 ms, which a live connection waits out: at most once a second, as pgjdbc reads for its
         * unasked messages. A byte read leaves the protocol's stream (or TLS's) out of step: the connection is lost
         * either way.
         */
        boolean alive() {
            ReentrantLock held;
            InputStream in;
            Socket s;
            try {
                held = (ReentrantLock) lock.invoke(protocol);
                in = (InputStream) readerStream.invoke(reader.invoke(protocol));
                s = (Socket) socket.invoke(protocol);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return true;
            }
            // The driver itself is reading (a statement, a cancel): it will see for itself.
            if (!held.tryLock()) return true;
            try {
                if (in.available() > 0) return false;
                SocketChannel channel = s.getChannel();
                if (channel != null) {
                    peeked.clear();
                    channel.configureBlocking(false);
                    try {
                        return channel.read(peeked) == 0;
                    } finally {
                        channel.configureBlocking(true);
                    }
                }
                long now = System.nanoTime();
                if (now - waitedAt < 1_000_000_000L) return true;
                waitedAt = now;
                int timeout = s.getSoTimeout();
                s.setSoTimeout(1);
                try {
                    in.read();
                    return false;
                } catch (SocketTimeoutException e) {
                    return true;
                } finally {
                    s.setSoTimeout(timeout);
                }
            } catch (IOException e) {
                // Reset, or closed under us.
                return false;
            } finally {
                held.unlock();
            }
        }

        /** Forgets the last statement's session-state flag, before a statement of the user's runs. */
        void beforeStatement() {
            try {
                serverStatus.setShort(protocol, (short) (serverStatus.getShort(protocol) & ~SESSION_STATE_CHANGED));
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Not told, then: afterStatement says nothing changed.
            }
        }

        /**
         * Whether the statement just run changed what the server tracks of the session (session_track_system_variables:
         * the time zone, the character sets and autocommit by default; session_track_schema: the default database), which
         * the connection's values and statements depend on: it must not be handed on. Connector/J reads the server's
         * report of the change, and keeps only auto_increment_increment of it.
         */
        boolean afterStatement() {
            try {
                return (serverStatus.getShort(protocol) & SESSION_STATE_CHANGED) != 0;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false;
            }
        }
    }
}
