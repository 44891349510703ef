"""The browser tests' server: a browser that drops a connection leaves no open file behind
(which would warn, and fail, in whatever test runs when it is collected)."""

from __future__ import annotations

import gc
import socket
import struct
import sys
import time
from urllib.parse import urlparse


def test_a_reset_connection_leaves_no_open_file(live_server, monkeypatch):
    leaked = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: leaked.append(str(u.object)))
    address = urlparse(live_server)
    for _ in range(50):
        conn = socket.create_connection((address.hostname, address.port))
        conn.sendall(b"GET /static/favicon.svg HTTP/1.1\r\nHost: test\r\n\r\n")
        time.sleep(0.002)  # the answer is written; the reset comes as the server drains
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
    time.sleep(0.5)
    gc.collect()
    assert leaked == []
