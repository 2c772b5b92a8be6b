#!/usr/bin/env python3
"""Reference SRP vectors for package srp, written independently of the Go code.

Uses only the Python standard library (int pow, hashlib, hmac) and follows
shared/COGNITO-PROTOCOL.md section 2. The prime is rebuilt from its RFC 3526
definition (2^3072 - 2^3008 - 1 + 2^64 * (floor(2^2942 * pi) + 1690314))
rather than copied, and S is computed from both the server's and the client's
formula. Run from this directory to regenerate vectors.json:

    python3 gen_vectors.py > vectors.json
"""
import base64
import hashlib
import hmac
import json


def arctan_inv(x, one):
    total = term = one // x
    x2, n, sign = x * x, 1, -1
    while term:
        term //= x2
        n += 2
        total += sign * (term // n)
        sign = -sign
    return total


def rfc3526_3072():
    guard = 64
    one = 1 << (2942 + guard)
    pi = 4 * (4 * arctan_inv(5, one) - arctan_inv(239, one))
    return 2**3072 - 2**3008 - 1 + 2**64 * ((pi >> guard) + 1690314)


N = rfc3526_3072()
G = 2


def pad(x):
    raw = x.to_bytes((x.bit_length() + 7) // 8 or 1, "big")
    return b"\x00" + raw if raw[0] & 0x80 else raw


def H(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def as_int(b):
    return int.from_bytes(b, "big")


K_MULT = as_int(H(pad(N), pad(G)))
assert K_MULT == 0x538282C4354742D7CBBDE2359FCF67F9F5B3A6B08791E5011B43B8A5B66D9EE6


def det_bytes(label, n):
    """Deterministic stand-in for random bytes."""
    out, i = b"", 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{i}".encode()).digest()
        i += 1
    return out[:n]


def vector(name, pool, user, password, salt, a, b, block, timestamp):
    x = as_int(H(pad(as_int(salt)), H((pool + user + ":" + password).encode())))
    v = pow(G, x, N)
    A = pow(G, as_int(a), N)
    B = (K_MULT * v + pow(G, as_int(b), N)) % N
    assert A % N and B % N
    u = as_int(H(pad(A), pad(B)))
    assert u
    s_server = pow(A * pow(v, u, N), as_int(b), N)
    s_client = pow((B - K_MULT * pow(G, x, N)) % N, as_int(a) + u * x, N)
    assert s_server == s_client
    prk = hmac.new(pad(u), pad(s_server), hashlib.sha256).digest()
    key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
    msg = pool.encode() + user.encode() + block + timestamp.encode()
    sig = hmac.new(key, msg, hashlib.sha256).digest()
    return {
        "name": name,
        "poolName": pool,
        "userId": user,
        "password": password,
        "salt": salt.hex(),
        "a": a.hex(),
        "b": b.hex(),
        "secretBlock": base64.b64encode(block).decode(),
        "timestamp": timestamp,
        "x": format(x, "064x"),
        "verifier": pad(v).hex(),
        "A": format(A, "x"),
        "B": format(B, "x"),
        "u": format(u, "064x"),
        "S": pad(s_server).hex(),
        "K": key.hex(),
        "signature": base64.b64encode(sig).decode(),
    }


def main():
    device_password = base64.b64encode(det_bytes("device-password", 40)).decode()
    vectors = [
        vector(
            "salt with top bit set, one-digit day",
            "AbC123xyZ",
            "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e",
            "Correct horse battery staple 1!",
            bytes([0xF0]) + det_bytes("salt1", 15),
            det_bytes("a1", 128),
            det_bytes("b1", 32),
            det_bytes("block1", 64),
            "Tue Mar 3 04:05:06 UTC 2026",
        ),
        vector(
            "salt with leading zero byte, non-ASCII password, two-digit day",
            "Zz9yX8wV7",
            "alice",
            "p\u00e4ssw\u00f6rd \u2713",
            bytes([0x00, 0x3C]) + det_bytes("salt2", 14),
            det_bytes("a2", 128),
            det_bytes("b2", 32),
            det_bytes("block2", 300),
            "Sun Nov 22 23:59:59 UTC 2026",
        ),
        vector(
            "device",
            "-4ZRKxbl1",
            "us-east-1_3b9f0a2c-5d6e-4f70-8a91-b2c3d4e5f607",
            device_password,
            bytes([0x7F]) + det_bytes("salt3", 15),
            det_bytes("a3", 128),
            det_bytes("b3", 32),
            det_bytes("block3", 48),
            "Wed Jan 7 00:00:00 UTC 2026",
        ),
    ]
    print(json.dumps({"k": format(K_MULT, "064x"), "N": format(N, "x"), "vectors": vectors}, indent=2))


if __name__ == "__main__":
    main()
