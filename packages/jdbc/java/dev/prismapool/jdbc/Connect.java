package dev.prismapool.jdbc;

import java.io.IOException;
import java.net.Socket;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One connect that the pool may give up on: open() logs in on one of libuv's threads, abort() from the main thread
 * closes the sockets it made (through TrackedSocketFactory), which ends the login with an error; a session that
 * opens after the abort is closed.
 */
public final class Connect {
    private static final ThreadLocal<Connect> CURRENT = new ThreadLocal<>();
    private final List<Socket> sockets = new ArrayList<>();
    private boolean aborted;

    static void track(Socket socket) {
        Connect connect = CURRENT.get();
        if (connect == null) return;
        synchronized (connect) {
            if (connect.aborted) closeQuietly(socket);
            else connect.sockets.add(socket);
        }
    }

    public JdbcSession open(String url, String[] properties) throws SQLException {
        CURRENT.set(this);
        JdbcSession session;
        try {
            session = JdbcSession.open(url, properties);
        } finally {
            CURRENT.remove();
        }
        synchronized (this) {
            sockets.clear();
            if (!aborted) return session;
        }
        session.abort();
        throw new SQLException("the pool gave up on this connect", "08001");
    }

    public void abort() {
        synchronized (this) {
            aborted = true;
            for (Socket socket : sockets) closeQuietly(socket);
            sockets.clear();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that was asked.
        }
    }
}
