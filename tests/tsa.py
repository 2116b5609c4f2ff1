"""A real RFC 3161 time-stamping authority on 127.0.0.1: keys and certificates made with the openssl
CLI, replies made by ``openssl ts -reply``, served by http.server in a thread."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"

SIGNER = """\
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
"""
# one authority that grants, and the same one configured to refuse SHA-256 requests
TS_CONFIG = ("[ tsa ]\ndefault_tsa = granting\n\n[ granting ]\n" + SIGNER
             + "digests = sha256, sha384, sha512\naccuracy = secs:1\nordering = yes\ntsa_name = yes\n"
               "ess_cert_id_chain = no\ness_cert_id_alg = sha256\n\n[ refusing ]\n" + SIGNER + "digests = sha512\n")

TSA_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run([OPENSSL, *args], cwd=cwd, check=True, capture_output=True)


class LocalTSA:
    """A CA, a TSA certificate it issued, and an HTTP server answering timestamp queries.

    Every instance has the same names and new keys: one made to impersonate another differs only in them.

    ``answer`` says how the server answers: ``granted`` (the default), ``refused`` (status rejection),
    ``http-error`` (HTTP 500), ``not-a-timestamp`` (an HTML page) or ``stale`` (a granted reply to an
    earlier query, so with another imprint and nonce).
    """

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True)
        key = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
        _openssl("req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.crt", "-days", "3650", "-subj", "/CN=Test TSA Root",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                 cwd=folder)
        _openssl("req", "-new", *key, "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=Test TSA", cwd=folder)
        (folder / "tsa.ext").write_text(TSA_EXTENSIONS)
        _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", "tsa.crt", "-days", "3650", "-extfile", "tsa.ext", cwd=folder)
        (folder / "serial").write_text("01\n")
        (folder / "ts.cnf").write_text(TS_CONFIG.format(dir=folder))
        self.ca_pem = (folder / "ca.crt").read_text()
        self.answer = "granted"
        self.queries = 0
        self._last_reply = b""
        self._server = http.server.HTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_port}/tsr"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def reply(self, query: bytes, section: str = "granting") -> bytes:
        """``openssl ts -reply`` to a DER query."""
        with tempfile.TemporaryDirectory(dir=self.folder) as tmp:
            (Path(tmp) / "q.tsq").write_bytes(query)
            _openssl("ts", "-reply", "-config", str(self.folder / "ts.cnf"), "-section", section,
                     "-queryfile", "q.tsq", "-out", "r.tsr", cwd=Path(tmp))
            return (Path(tmp) / "r.tsr").read_bytes()

    @contextmanager
    def answering(self, answer: str) -> Iterator[None]:
        """Answer the next queries this way."""
        self.answer = answer
        try:
            yield
        finally:
            self.answer = "granted"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        tsa = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers["Content-Length"]))
                tsa.queries += 1
                if tsa.answer == "http-error":
                    self.send_error(500, "TSA is down")
                    return
                if self.headers["Content-Type"] != "application/timestamp-query":
                    self.send_error(415)
                    return
                if tsa.answer == "not-a-timestamp":
                    body, kind = b"<html>maintenance</html>", "text/html"
                else:
                    fresh = tsa.reply(query, "refusing" if tsa.answer == "refused" else "granting")
                    body, kind = (tsa._last_reply if tsa.answer == "stale" else fresh), "application/timestamp-reply"
                    if tsa.answer != "refused":
                        tsa._last_reply = fresh
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler
