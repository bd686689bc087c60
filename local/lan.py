"""`HOST=0.0.0.0 make run`: the local stack on the LAN, so a phone can be the merchant's till.

A phone reaches this PC by its LAN address, and there the browser gives the camera (QRコード読取) only
to a secure context: https, or localhost. The sign-in cookies are `Secure` (`__Host-`) as in AWS, which
the browser also keeps only over https there. So on the LAN the server speaks HTTPS with a certificate
made on this PC for its addresses (kept in .local/state/tls, remade when the addresses change); the
phone warns once that it is not trusted, and the printed fingerprint says it is this one.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = ("127.0.0.1", "localhost", "::1")
ANY = ("0.0.0.0", "::", "")  # noqa: S104 - listening on every interface is what HOST=0.0.0.0 asks for


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def lan_address(host: str) -> str:
    """The address a phone on the same network should open: HOST itself, or for 0.0.0.0 the address
    of the interface that routes outward (a UDP socket is connected, nothing is sent)."""
    if host not in ANY:
        return host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, only the route is looked up
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path
    fingerprint: str  # SHA-256, as browsers show it

    def context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert, self.key)
        return context


def certificate(folder: Path, addresses: list[str]) -> Certificate:
    """A self-signed certificate for these addresses (and localhost), made once and reused."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    names = sorted({*addresses, "127.0.0.1", "localhost"})
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    if cert_path.exists() and key_path.exists():
        existing = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if _names(existing) == names and existing.not_valid_after_utc > dt.datetime.now(dt.UTC) + dt.timedelta(days=7):
            return Certificate(cert_path, key_path, _fingerprint(existing))
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shoken local server")])
    alternative: list[x509.GeneralName] = []
    for name in names:
        try:
            alternative.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alternative.append(x509.DNSName(name))
    made = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(made.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path, _fingerprint(made))


def _names(cert: object) -> list[str]:
    from cryptography import x509

    assert isinstance(cert, x509.Certificate)
    extension = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    found = [str(ip) for ip in extension.get_values_for_type(x509.IPAddress)]
    return sorted({*found, *extension.get_values_for_type(x509.DNSName)})


def _fingerprint(cert: object) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    assert isinstance(cert, x509.Certificate)
    return ":".join(f"{byte:02X}" for byte in cert.fingerprint(hashes.SHA256()))


def phone_notes(base_url: str, fingerprint: str | None) -> list[str]:
    """What the banner says to whoever wants to try the till on a phone."""
    if fingerprint:
        return [
            "On a phone on the same network (Wi-Fi), open:",
            f"  加盟店アプリ {base_url}/merchant/    利用者アプリ {base_url}/wallet/",
            "The camera (QRコード読取) works only in a secure context (https, or localhost on this PC), so on",
            "the LAN this server speaks HTTPS with a certificate made on this PC. The phone warns that it is not",
            "trusted: check that it is this one and continue (詳細 → このサイトにアクセス / Show Details → visit).",
            f"  SHA-256 {fingerprint}",
        ]
    return [
        "Served over plain http on the LAN (HTTPS=0): a phone can open the pages, but its browser gives the",
        "camera (QRコード読取) only to a secure context. In Chrome on the phone, enable",
        f"chrome://flags/#unsafely-treat-insecure-origin-as-secure for {base_url}, or run without HTTPS=0.",
    ]
