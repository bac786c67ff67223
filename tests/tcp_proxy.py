"""A TCP proxy for the tests that need a server to go away: the application talks to the proxy, the proxy to the
real server, and ``cut()`` drops every connection and turns new ones away until ``restore()``. The shared server
itself is never touched."""

import selectors
import socket
import struct
import threading
from contextlib import suppress

BUFFER_BYTES = 65536
CONNECT_TIMEOUT_SECONDS = 5
JOIN_TIMEOUT_SECONDS = 5


class TcpProxy:
    """Listens on a free 127.0.0.1 port (``port``) and forwards each connection to ``target`` on its own thread.

    While cut, a new connection is accepted and reset at once, which the client sees as the server refusing it.
    Use it as a context manager: leaving the block closes the listener and every connection.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._is_cut = False
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept_loop, name="tcp-proxy-accept", daemon=True)

    def __enter__(self) -> "TcpProxy":
        self._accepting.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cut()
        with suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._accepting.join(JOIN_TIMEOUT_SECONDS)
        for thread in self._threads:
            thread.join(JOIN_TIMEOUT_SECONDS)

    def cut(self) -> None:
        """Close every open connection (both ends see it closed) and refuse new ones until restore()."""
        with self._lock:
            self._is_cut = True
            for sock in self._open:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        with self._lock:
            self._is_cut = False

    def _accept_loop(self) -> None:
        with self._listener:
            while True:
                try:
                    client, _ = self._listener.accept()
                except OSError:  # the listener was shut down
                    return
                with self._lock:
                    refused = self._is_cut
                    if not refused:
                        self._open.add(client)
                if refused:
                    _reset(client)
                    continue
                thread = threading.Thread(target=self._forward, args=(client,), name="tcp-proxy-pipe", daemon=True)
                self._threads.append(thread)
                thread.start()

    def _forward(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=CONNECT_TIMEOUT_SECONDS)
        except OSError:
            self._forget(client)
            _reset(client)
            return
        upstream.settimeout(None)
        with self._lock:
            self._open.add(upstream)
            if self._is_cut:  # cut while this connection was being made
                with suppress(OSError):
                    client.shutdown(socket.SHUT_RDWR)
        try:
            _pump(client, upstream)
        finally:
            self._forget(client, upstream)
            client.close()
            upstream.close()

    def _forget(self, *sockets: socket.socket) -> None:
        with self._lock:
            self._open.difference_update(sockets)


def _pump(first: socket.socket, second: socket.socket) -> None:
    """Copy bytes both ways until either side closes or fails."""
    peer = {first: second, second: first}
    with selectors.DefaultSelector() as selector:
        selector.register(first, selectors.EVENT_READ)
        selector.register(second, selectors.EVENT_READ)
        while True:
            for key, _ in selector.select():
                source = key.fileobj
                assert isinstance(source, socket.socket)
                try:
                    data = source.recv(BUFFER_BYTES)
                    if not data:
                        return
                    peer[source].sendall(data)
                except OSError:
                    return


def _reset(sock: socket.socket) -> None:
    """Close with a reset rather than an orderly goodbye, as a port nobody listens on would answer."""
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
