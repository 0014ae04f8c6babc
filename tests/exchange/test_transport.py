"""The keep-alive transport against a real loopback HTTP server: answers come back whole, a
connection is reused, one the server closed while idle is replaced without losing the post,
redirects are answers (never followed), and an unreachable receiver is a TransportError."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from crossborder.exchange.transport import KeepAliveTransport, TransportError
from tests.exchange.nodeproc import free_port


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    posts: ClassVar[list[tuple[int, bytes]]] = []  # (client port, body), in arrival order
    close_after = False

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        Handler.posts.append((self.client_address[1], body))
        if self.path == "/moved":
            self.send_response(307)
            self.send_header("location", "/elsewhere")
            self.send_header("content-length", "0")
            self.end_headers()
            return
        answer = b'{"receipt": "r"}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
        if Handler.close_after:  # drop the connection without saying so, as an idle timeout does
            self.close_connection = True

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Handler.posts, Handler.close_after = [], False
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_posts_on_one_kept_alive_connection(server: str) -> None:
    transport = KeepAliveTransport()
    try:
        replies = [transport.post(f"{server}/in", f'{{"n": {i}}}'.encode(), 5) for i in range(3)]
    finally:
        transport.close()
    assert [(r.status, r.content_type, r.body) for r in replies] == [(200, "application/json", b'{"receipt": "r"}')] * 3
    assert [body for _port, body in Handler.posts] == [b'{"n": 0}', b'{"n": 1}', b'{"n": 2}']
    assert len({port for port, _body in Handler.posts}) == 1


def test_a_connection_closed_while_idle_is_replaced_and_the_post_arrives_once(server: str) -> None:
    transport = KeepAliveTransport()
    try:
        Handler.close_after = True
        assert transport.post(f"{server}/in", b"1", 5).status == 200
        assert transport.post(f"{server}/in", b"2", 5).status == 200
    finally:
        transport.close()
    assert [body for _port, body in Handler.posts] == [b"1", b"2"]


def test_a_redirect_is_an_answer_not_followed(server: str) -> None:
    transport = KeepAliveTransport()
    try:
        reply = transport.post(f"{server}/moved", b"{}", 5)
    finally:
        transport.close()
    assert reply.status == 307 and [body for _port, body in Handler.posts] == [b"{}"]


def test_an_unreachable_receiver_is_a_transport_error() -> None:
    port = free_port()  # nothing listens there
    transport = KeepAliveTransport()
    try:
        with pytest.raises(TransportError):
            transport.post(f"http://127.0.0.1:{port}/in", b"{}", 2)
        with pytest.raises(TransportError):
            transport.post("ftp://127.0.0.1/in", b"{}", 2)
    finally:
        transport.close()
