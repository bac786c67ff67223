"""The test proxy forwards both ways, drops every connection when cut, turns new ones away, and forwards again once
restored."""

import socket
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager

import pytest

from tests.tcp_proxy import TcpProxy

TIMEOUT_SECONDS = 5


@contextmanager
def echo_server() -> Iterator[tuple[str, int]]:
    """A server that sends back whatever it receives, one thread per connection."""
    listener = socket.create_server(("127.0.0.1", 0))

    def echo(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(1024):
                conn.sendall(data)

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=echo, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()
    finally:
        listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(TIMEOUT_SECONDS)


def connect(proxy: TcpProxy) -> socket.socket:
    return socket.create_connection(("127.0.0.1", proxy.port), timeout=TIMEOUT_SECONDS)


def round_trip(sock: socket.socket, data: bytes) -> bytes:
    sock.sendall(data)
    return sock.recv(1024)


def is_closed(sock: socket.socket) -> bool:
    """Whether the other end has closed or reset ``sock``: nothing it sends comes back."""
    try:
        sock.sendall(b"anyone?")
        return sock.recv(1024) == b""
    except TimeoutError:  # left hanging is not closed
        return False
    except OSError:
        return True


def is_turned_away(proxy: TcpProxy) -> bool:
    """Whether a new connection through the proxy is closed (or reset) before it can carry anything."""
    try:
        sock = connect(proxy)
    except OSError:
        return True
    with closing(sock):
        return is_closed(sock)


def test_bytes_go_through_both_ways():
    with echo_server() as target, TcpProxy(target) as proxy, closing(connect(proxy)) as sock:
        assert round_trip(sock, b"hello") == b"hello"
        assert round_trip(sock, b"again") == b"again"


def test_cut_closes_open_connections_and_turns_new_ones_away_until_restored():
    with echo_server() as target, TcpProxy(target) as proxy:
        before = connect(proxy)
        assert round_trip(before, b"ping") == b"ping"

        proxy.cut()
        with closing(before):
            assert is_closed(before)
        assert is_turned_away(proxy)

        proxy.restore()
        with closing(connect(proxy)) as after:
            assert round_trip(after, b"back") == b"back"


def test_an_unreachable_target_turns_connections_away():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        target = unused.getsockname()  # bound, never listening: connecting is refused
        with TcpProxy(target) as proxy:
            assert is_turned_away(proxy)


@pytest.mark.parametrize("cut_first", [False, True])
def test_leaving_the_block_closes_everything(cut_first):
    with echo_server() as target:
        proxy = TcpProxy(target)
        with proxy:
            sock = connect(proxy)
            assert round_trip(sock, b"x") == b"x"
            if cut_first:
                proxy.cut()
        with closing(sock):
            assert is_closed(sock)
        with pytest.raises(OSError):
            connect(proxy)
