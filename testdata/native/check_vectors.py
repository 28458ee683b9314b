#!/usr/bin/env python3
"""Independent decoder for the nckit native format, version 1, written from docs/FORMAT.md
alone (not from the Go code), to check the committed test vectors and their intermediate
values. Needs Python 3 and the `cryptography` package (>= 44, for Argon2id).

    python3 testdata/native/check_vectors.py
"""
import base64
import binascii
import hmac
import json
import os
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

MAGIC = bytes.fromhex("9dc922b44342")
HEADER_LEN, BOUND_LEN = 61, 29
MAX_BODY, MIN_BODY = 16401, 17
PER_KEY = 1 << 20


class Fail(Exception):
    def __init__(self, kind, msg):
        super().__init__(f"{kind}: {msg}")
        self.kind = kind


def hkdf_extract(salt, ikm):
    return hmac.new(salt, ikm, "sha256").digest()


def hkdf_expand(prk, info, n):
    return HKDFExpand(algorithm=hashes.SHA256(), length=n, info=info).derive(prk)


def schedule(password, header, label):
    t, m, p = header[7], struct.unpack(">I", header[8:12])[0], header[12]
    if not (1 <= t <= 16 and 1 <= p <= 16 and 8 * p <= m <= 1 << 20 and t * m <= 2 << 20):
        raise Fail("limit", f"argon2 t={t} m={m} p={p}")
    salt = header[13:29]
    ikm = Argon2id(salt=salt, length=32, iterations=t, lanes=p, memory_cost=m).derive(password)
    ctx = header[:BOUND_LEN] + bytes([len(label)]) + label
    prk = hkdf_extract(b"nckit v1", ikm)
    s = {
        "ikm": ikm, "prk": prk, "ctx": ctx,
        "commit": hkdf_expand(prk, b"commit" + ctx, 32),
        "nonce_base": hkdf_expand(prk, b"nonce" + ctx, 12),
    }
    s["key"] = lambda e: hkdf_expand(prk, b"key" + struct.pack(">Q", e) + ctx, 32)
    return s


def units(data, armored):
    """Yield (header, then records) as bytes, with a flag: cut by end of input."""
    if armored:
        lines = data.split(b"\n")
        for k, line in enumerate(lines):
            last = k == len(lines) - 1
            if last and line == b"":
                return
            if not last and line.endswith(b"\r"):
                line = line[:-1]
            if len(line) + 2 > (1024 if k == 0 else 21874):
                raise Fail("limit", f"line {k + 1} too long")
            try:
                raw = base64.b64decode(line, validate=True)
                if base64.b64encode(raw) != line:
                    raise ValueError("not canonical")
            except (binascii.Error, ValueError):
                raise Fail("truncated" if last else "corrupt", f"line {k + 1} is not base64")
            yield raw, last
        return
    yield data[:HEADER_LEN], len(data) < HEADER_LEN
    off = HEADER_LEN
    while off < len(data):
        if off + 2 > len(data):
            raise Fail("truncated", "inside a length")
        n = struct.unpack(">H", data[off:off + 2])[0]
        if n > MAX_BODY:
            raise Fail("limit", f"record length {n}")
        yield data[off:off + 2 + n], off + 2 + n > len(data)
        off += 2 + n


def decrypt(data, password, label):
    """Returns (plaintext written, schedule); raises Fail with a kind."""
    if data.startswith(MAGIC):
        armored = False
    elif data.startswith(b"nckitENC"):
        armored = True
    else:
        raise Fail("unsupported", "not a native stream")
    out = bytearray()
    it = units(data, armored)
    header, cut = next(it)
    if len(header) > 6 and header[6] != 1:
        raise Fail("unsupported", f"version {header[6]}")
    if cut or len(header) != HEADER_LEN:
        raise Fail("truncated", "header")
    s = schedule(password, header, label)
    if not hmac.compare_digest(s["commit"], header[29:61]):
        raise Fail("wrong password", "commitment mismatch")
    i, epoch, aead = 0, None, None
    for rec, cut in it:
        n = struct.unpack(">H", rec[:2])[0] if len(rec) >= 2 else -1
        if len(rec) != 2 + n or not MIN_BODY <= n <= MAX_BODY:
            raise Fail("truncated" if cut else "corrupt", f"record {i} framing")
        if i // PER_KEY != epoch:
            epoch = i // PER_KEY
            aead = AESGCM(s["key"](epoch))
        nonce = bytes(a ^ b for a, b in zip(s["nonce_base"], bytes(4) + struct.pack(">Q", i)))
        try:
            inner = aead.decrypt(nonce, rec[2:], rec[:2])
        except Exception:
            raise Fail("truncated" if cut else "corrupt", f"record {i} authentication")
        inner = inner.rstrip(b"\0")
        if not inner:
            raise Fail("corrupt", f"record {i} has no type")
        typ, body = inner[-1], inner[:-1]
        if typ == 1 and body:
            out += body
        elif typ == 2 and not body:
            return bytes(out), s
        else:
            raise Fail("corrupt", f"record {i} type {typ} with {len(body)} bytes")
        i += 1
    raise Fail("truncated", "no end record")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "vectors.json")) as f:
        vectors = json.load(f)
    bad = 0
    for v in vectors:
        data = open(os.path.join(here, v["stream_file"]), "rb").read()
        plain = b""
        if v.get("plaintext_file"):
            plain = open(os.path.join(here, v["plaintext_file"]), "rb").read()
        try:
            got, s = decrypt(data, v["password"].encode(), v["label"].encode())
            kind = None
        except Fail as e:
            got, s, kind = None, None, e.kind
        want = v.get("error")
        ok = kind == want and (want is not None or got == plain)
        inter = v.get("intermediates")
        if ok and inter and s:
            mine = {
                "argon2id_output": s["ikm"], "hkdf_prk": s["prk"], "commit": s["commit"],
                "nonce_base": s["nonce_base"], "key_epoch_0": s["key"](0), "key_epoch_1": s["key"](1),
            }
            for k, val in mine.items():
                if inter[k] != val.hex():
                    ok = False
                    print(f"  {k}: got {val.hex()}, want {inter[k]}")
        print(f"{'ok  ' if ok else 'FAIL'} {v['name']}: {kind or 'decrypts'}")
        bad += not ok
    print(f"{len(vectors) - bad}/{len(vectors)} vectors agree")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
