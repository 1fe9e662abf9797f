"""A mail server on 127.0.0.1 for the worker tests: SMTP with STARTTLS (a self-signed
certificate for 127.0.0.1; point the worker's SSL_CERT_FILE at `cert_file`), which keeps
every message it accepts. It can stall once, to hold a worker mid-send while the test
kills it:

- `stall("data")`: the message arrives, the final reply never comes. A message whose
  sender goes away before the reply is not delivered (RFC 5321 §4.1.1.4); it is kept
  in `aborted`.
- `stall("quit")`: the message is accepted (250) and delivered; the reply to QUIT never
  comes.

`stalled` is set once the sink holds the worker."""

import contextlib
import datetime
import ipaddress
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from typing import BinaryIO, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

Stall = Literal["data", "quit"]


@dataclass(frozen=True)
class Mail:
    message_id: str
    to: str
    subject: str


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "sink-cert.pem", folder / "sink-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class SmtpSink:
    def __init__(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="strides-smtp-"))
        self.cert_file, key_file = _self_signed(folder)
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.tls.load_cert_chain(self.cert_file, key_file)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.delivered: list[Mail] = []
        self.aborted: list[Mail] = []
        self.said_bye = 0  # sessions that ended with the reply to QUIT
        self.stalled = threading.Event()
        self._stall: Stall | None = None
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def env(self) -> dict[str, str]:
        """What a Strides process needs to send its mail here."""
        return {
            "STRIDES_EMAIL_HOST": "127.0.0.1",
            "STRIDES_EMAIL_PORT": str(self.port),
            "SSL_CERT_FILE": str(self.cert_file),
        }

    def stall(self, where: Stall) -> None:
        """Hold the next sender at `where` until it goes away."""
        with self._lock:
            self._stall = where
            self.stalled.clear()

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _take_stall(self, where: Stall) -> bool:
        with self._lock:
            if self._stall != where:
                return False
            self._stall = None
        self.stalled.set()
        return True

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):  # OSError: the sender went away (killed)
            self._session(conn)

    def _session(self, sock: socket.socket) -> None:
        reader: BinaryIO = sock.makefile("rb")

        def say(line: str) -> None:
            sock.sendall(line.encode() + b"\r\n")

        say("220 127.0.0.1 ESMTP sink")
        while line := reader.readline():
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb in {b"EHLO", b"HELO"}:
                starttls = "" if isinstance(sock, ssl.SSLSocket) else "250-STARTTLS\r\n"
                say(f"250-127.0.0.1\r\n{starttls}250 8BITMIME")
            elif verb == b"STARTTLS":
                say("220 go ahead")
                sock = self.tls.wrap_socket(sock, server_side=True)
                reader = sock.makefile("rb")
            elif verb == b"DATA":
                say("354 end with <CRLF>.<CRLF>")
                mail = _read_message(reader)
                if self._take_stall("data"):
                    reader.read()  # until the sender goes away: nothing is delivered
                    self.aborted.append(mail)
                    return
                self.delivered.append(mail)
                say("250 queued")
            elif verb == b"QUIT":
                if self._take_stall("quit"):
                    reader.read()
                    return
                say("221 bye")
                self.said_bye += 1
                return
            else:  # MAIL, RCPT, RSET, NOOP
                say("250 ok")


def _read_message(reader: BinaryIO) -> Mail:
    lines = []
    while (line := reader.readline()) not in {b".\r\n", b""}:
        lines.append(line[1:] if line.startswith(b"..") else line)
    message = message_from_bytes(b"".join(lines), policy=policy.default)
    return Mail(str(message["Message-ID"]), str(message["To"]), str(message["Subject"]))
