package dev.prismapool.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * The socket factory of the connects that the pool may give up on (pgjdbc's and MariaDB Connector/J's
 * `socketFactory` property): each socket it makes belongs to the Connect running on the thread that asks for it,
 * which closes it when the pool gives up, so that a login stuck on a silent server ends at once instead of at the
 * driver's own timeout. A subclass may make another kind of socket (MariaDb.Sockets: a SocketChannel's).
 */
public class TrackedSocketFactory extends SocketFactory {
    /** A new, unconnected socket. */
    protected Socket newSocket() throws IOException {
        return new Socket();
    }

    @Override
    public final Socket createSocket() throws IOException {
        Socket socket = newSocket();
        Connect.track(socket);
        return socket;
    }

    @Override
    public final Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public final Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public final Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public final Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket socket = createSocket();
        if (local != null) socket.bind(local);
        socket.connect(remote);
        return socket;
    }
}
