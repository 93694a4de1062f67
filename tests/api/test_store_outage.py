"""When Neo4j goes away the API answers 503 with a retry hint, and recovers by itself when it is back.

The outage is real at the network level: the API reaches Neo4j through a TCP
relay on loopback that the test closes and reopens.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.api.test_http import assert_problem, make_client


class Relay:
    """Forwards a loopback port to Neo4j's Bolt port until stopped."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._server: socket.socket | None = None
        self._sockets: list[socket.socket] = []

    def start(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen()
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        if self._server:
            try:
                self._server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread; close alone does not
            except OSError:
                pass
            self._server.close()
            self._server = None
        for s in self._sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self._sockets = []


@pytest.mark.parametrize("store_kind", ["neo4j"])
def test_api_reports_503_while_neo4j_is_unreachable_and_recovers(seeded_store):
    bolt_port = int(seeded_store.location.rsplit(":", 1)[1])
    relay = Relay(bolt_port)
    relay.start()

    class ViaRelay:
        location = f"bolt://127.0.0.1:{relay.port}"

    try:
        with make_client(ViaRelay) as client:
            assert client.get("/api/countries/IRQ").status_code == 200
            relay.stop()
            down = client.get("/api/countries/AFG")
            body = assert_problem(down, 503)
            assert down.headers["retry-after"] and "Neo4j" in body["detail"]
            # The outage also drops the answers cached from the store before it.
            assert_problem(client.get("/api/countries/IRQ"), 503)
            assert_problem(client.get("/readyz"), 503)
            assert client.get("/healthz").status_code == 200

            relay.start()  # the same port again
            deadline = time.monotonic() + 30
            while client.get("/readyz").status_code != 200:
                assert time.monotonic() < deadline, "the API did not recover within 30 s"
                time.sleep(0.5)
            assert client.get("/api/countries/IRQ").json()["country"]["key"] == "IRQ"
    finally:
        relay.stop()
