"""Cognito's SRP-6a, client side, written for this suite.

Cognito signs users and devices in with SRP-6a over the 3072-bit group of
RFC 3526 with g = 2 and SHA-256. Numbers are hashed in their "padded" form:
minimal big-endian bytes, with one zero byte in front when the top bit is
set. A device proves the random password it chose at ConfirmDevice, with its
device group key in place of the pool name and its device key in place of
the user id.

Only the standard library is used, so the suite needs nothing beyond boto3.
"""

import base64
import datetime
import hashlib
import hmac
import os

# RFC 3526 section 4, the 3072-bit MODP group.
N = int(
    "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74"
    "020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437"
    "4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed"
    "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05"
    "98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb"
    "9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b"
    "e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718"
    "3995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33"
    "a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7"
    "abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864"
    "d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e2"
    "08e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff",
    16,
)
G = 2


def padded(n):
    """The bytes Cognito hashes for the number n."""
    raw = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    return b"\x00" + raw if raw[0] & 0x80 else raw


def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def as_int(b):
    return int.from_bytes(b, "big")


K = as_int(sha256(padded(N), padded(G)))


def private_key(salt, group, identity, secret):
    """x = H(PAD(salt) | H(group | identity | ":" | secret))."""
    inner = sha256((group + identity + ":" + secret).encode("utf-8"))
    return as_int(sha256(padded(salt), inner))


def timestamp(now=None):
    """Cognito's TIMESTAMP: 'Mon Jan 2 15:04:05 UTC 2006', day not padded."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return "%s %s %d %s UTC %d" % (
        ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[now.weekday()],
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[now.month - 1],
        now.day,
        now.strftime("%H:%M:%S"),
        now.year,
    )


def device_verifier(device_group_key, device_key, device_password):
    """ConfirmDevice's DeviceSecretVerifierConfig for a device password."""
    salt = as_int(os.urandom(16))
    x = private_key(salt, device_group_key, device_key, device_password)
    return {
        "PasswordVerifier": base64.standard_b64encode(padded(pow(G, x, N))).decode(),
        "Salt": base64.standard_b64encode(padded(salt)).decode(),
    }


class Exchange:
    """One SRP exchange: SRP_A now, the password claim once SRP_B comes."""

    def __init__(self):
        while True:
            self.a = as_int(os.urandom(128))
            self.A = pow(G, self.a, N)
            if self.A % N:
                break

    @property
    def srp_a(self):
        return format(self.A, "x")

    def claim(self, group, identity, secret, salt_hex, srp_b_hex, secret_block_b64, when=None):
        """The PASSWORD_CLAIM_* members and TIMESTAMP for a challenge."""
        B = int(srp_b_hex, 16)
        if B % N == 0:
            raise ValueError("SRP_B is 0 mod N")
        u = as_int(sha256(padded(self.A), padded(B)))
        if u == 0:
            raise ValueError("u is 0")
        x = private_key(int(salt_hex, 16), group, identity, secret)
        S = pow(B - K * pow(G, x, N), self.a + u * x, N)
        prk = hmac.new(padded(u), padded(S), hashlib.sha256).digest()
        key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
        ts = timestamp(when)
        block = base64.standard_b64decode(secret_block_b64)
        msg = group.encode("utf-8") + identity.encode("utf-8") + block + ts.encode("utf-8")
        return {
            "TIMESTAMP": ts,
            "PASSWORD_CLAIM_SECRET_BLOCK": secret_block_b64,
            "PASSWORD_CLAIM_SIGNATURE": base64.standard_b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode(),
        }


def totp(secret_b32, when=None, step=0):
    """RFC 6238: HMAC-SHA1, 6 digits, 30-second steps."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    t = int((when or datetime.datetime.now(datetime.timezone.utc)).timestamp()) // 30 + step
    mac = hmac.new(key, t.to_bytes(8, "big"), hashlib.sha1).digest()
    off = mac[-1] & 15
    return "%06d" % ((int.from_bytes(mac[off : off + 4], "big") & 0x7FFFFFFF) % 1000000)
