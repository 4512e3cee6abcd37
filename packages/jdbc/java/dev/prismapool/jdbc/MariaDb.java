package dev.prismapool.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What JdbcSession reads differently on MariaDB Connector/J (org.mariadb.jdbc): DATE, DATETIME and TIMESTAMP cells.
 * Connector/J's getString() goes through a java.sql.Date or Timestamp, built with a lenient Julian-Gregorian calendar:
 * a day of 1582's calendar change (1582-10-10, a valid MySQL date) comes back ten days later, a date with a zero month
 * or day (2024-00-10, which MariaDB's default sql_mode accepts) as another day (2023-12-10), and a zero DATETIME over the
 * binary protocol as null. getBytes() holds the server's own value instead: its text over the text protocol (client-side
 * prepared statements), the binary protocol's date structure over server-side prepared ones, written out here as the
 * server's text would be.
 */
final class MariaDb {
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
}
