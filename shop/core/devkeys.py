"""A signing key for laptops, so `make demo` needs no set-up. Never used with DEBUG=0."""

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def development_jwt_key(path: Path) -> str:
    """
    The RSA private key (PEM) in ``path``, created on first use. Created with
    a hard link from a complete temporary file, so processes starting at once
    (tests and a worker) all read the same, whole key.
    """
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".jwt-key-")
        try:
            os.write(fd, pem)
            os.close(fd)
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text()
