"""Throttling of password guesses: it stops attackers, not the people they target.

Every place that checks a password (login, password change, the recent-login confirmation in
the appointment and secretariat forms) reserves the try with `attempt(account)` first, and
reports the outcome with `failed(account)` or `succeeded(account)`. The design and its
reasons are in docs/THROTTLING.md; in short, wrong passwords are counted

- per account and client: the client is the browser when it has logged in to the account
  before (a signed device cookie), otherwise the address. Five in 15 minutes make that client
  wait; the real user's own browser, or another address, is not affected;
- per address, any accounts: 50 in 15 minutes make the address wait, except for browsers
  known to the account;
- per account, from everywhere: after 10, attempts from unknown browsers are slowed down,
  each wrong one doubling the wait (1 s, 2 s, 4 s, … up to 5 minutes). The account is never
  locked: its owner's known browsers go on as before, and a password reset link logs in.

The counts live in Redis (REDIS_URL), shared by every worker and server; without it (in
development and tests) in this process. If Redis does not answer, the counts fall back to
this process's memory for 30 s before Redis is asked again, and that is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets
import threading
import time

from flask import after_this_request, current_app, g, request
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse

from intranet import clock
from intranet.audit.services import record
from intranet.org.models import normalise_email

log = logging.getLogger(__name__)

DEVICE_COOKIE = "samverkan_device"
# A browser remembers at most this many accounts that logged in from it.
_DEVICE_ACCOUNTS = 5
# The account-wide count is forgotten after this long without a wrong password.
_ACCOUNT_MEMORY_SECONDS = 3600
# While an account is slowed down, a try being checked holds its turn this long at most.
_CLAIM_SECONDS = 30
# After Redis failed to answer, the counts stay in this process this long before it is asked
# again (a Redis that hangs would otherwise cost every login its timeouts).
_REDIS_PAUSE_SECONDS = 30


# ---------------------------------------------------------------- the counts


class MemoryCounts:
    """Counts in this process (development, tests, and while Redis is away)."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> int:
        value = self._values.get(key)
        if value is None or value[1] <= now:
            self._values.pop(key, None)
            return 0
        return value[0]

    def incr(self, key: str, seconds: int, extend: bool = False) -> int:
        now = time.monotonic()
        with self._lock:
            count = self._live(key, now) + 1
            expires = self._values.get(key, (0, now + seconds))[1]
            self._values[key] = (count, now + seconds if extend or count == 1 else expires)
            if len(self._values) > 100_000:  # an attack from many addresses: drop the dead
                for stale in [k for k, (_, e) in self._values.items() if e <= now]:
                    del self._values[stale]
            return count

    def get(self, key: str) -> int:
        with self._lock:
            return self._live(key, time.monotonic())

    def ttl(self, key: str) -> int:
        with self._lock:
            value = self._values.get(key)
            return max(0, round(value[1] - time.monotonic())) if value else 0

    def decr(self, key: str) -> None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values[key] = (value[0] - 1, value[1])

    def put(self, key: str, value: int, seconds: int) -> None:
        with self._lock:
            self._values[key] = (value, time.monotonic() + seconds)

    def claim(self, key: str, now: int, hold: int) -> int:
        """Take the turn if its time has come (the value, a time, is not after `now`): 0, and
        the key then holds the turn for `hold` seconds; else the time it comes."""
        with self._lock:
            not_before = self._live(key, time.monotonic())
            if not_before > now:
                return not_before
            self._values[key] = (now + hold, time.monotonic() + hold)
            return 0

    def delete(self, key: str) -> None:
        with self._lock:
            self._values.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class RedisCounts:
    """Counts in Redis, shared by every worker and server."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5,
                                           socket_connect_timeout=0.5)

    def incr(self, key: str, seconds: int, extend: bool = False) -> int:
        pipe = self._redis.pipeline()
        pipe.incr(key)
        if extend:
            pipe.expire(key, seconds)
        else:
            pipe.expire(key, seconds, nx=True)
        return int(pipe.execute()[0])

    def get(self, key: str) -> int:
        return int(self._redis.get(key) or 0)

    def ttl(self, key: str) -> int:
        return max(0, int(self._redis.ttl(key)))

    def decr(self, key: str) -> None:
        self._redis.decr(key)

    def put(self, key: str, value: int, seconds: int) -> None:
        self._redis.set(key, value, ex=max(1, seconds))

    # The same as MemoryCounts.claim, in one step on the server.
    _CLAIM = """
    local not_before = tonumber(redis.call('GET', KEYS[1]) or '0')
    if not_before > tonumber(ARGV[1]) then return not_before end
    redis.call('SET', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), 'EX', ARGV[2])
    return 0
    """

    def claim(self, key: str, now: int, hold: int) -> int:
        return int(self._redis.eval(self._CLAIM, 1, key, now, hold))

    def delete(self, key: str) -> None:
        self._redis.delete(key)

    def clear(self) -> None:
        prefix = current_app.config["THROTTLE_KEY_PREFIX"]
        for key in self._redis.scan_iter(match=f"{prefix}*"):
            self._redis.delete(key)


class _Counts:
    """Redis when configured, falling back to this process's memory while it fails."""

    def __init__(self, redis_url: str | None) -> None:
        self.memory = MemoryCounts()
        self.redis = RedisCounts(redis_url) if redis_url else None
        self._paused_until = 0.0

    def __getattr__(self, name: str):
        if self.redis is None:
            return getattr(self.memory, name)

        def call(*args, **kwargs):
            import redis

            if time.monotonic() < self._paused_until:
                return getattr(self.memory, name)(*args, **kwargs)
            try:
                return getattr(self.redis, name)(*args, **kwargs)
            except redis.RedisError as error:
                self._paused_until = time.monotonic() + _REDIS_PAUSE_SECONDS
                log.warning("Login throttling counts in this process for %s s: Redis "
                            "did not answer (%s)", _REDIS_PAUSE_SECONDS, error)
                return getattr(self.memory, name)(*args, **kwargs)

        return call


def init_app(app) -> None:
    app.extensions["throttle"] = _Counts(app.config.get("REDIS_URL"))


def _counts() -> _Counts:
    return current_app.extensions["throttle"]


def reset() -> None:
    """Forget every count (tests)."""
    counts = _counts()
    counts.memory.clear()
    counts.clear()


# ---------------------------------------------------------------- who is trying


def _digest(account: str) -> str:
    """An account as it is counted and remembered: keyed, so neither Redis nor a cookie holds
    an e-mail address."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_email(account).encode(), hashlib.sha256).hexdigest()[:32]


def _address() -> str:
    """The client's address; IPv6 by its /64, which one subscriber usually holds whole."""
    raw = request.remote_addr or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64]
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _device() -> dict:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return {}
    max_age = current_app.config["LOGIN_DEVICE_DAYS"] * 86400
    try:
        device = _serializer().loads(raw, max_age=max_age)
    except BadSignature:
        return {}
    if not isinstance(device, dict) or not isinstance(device.get("a"), list):
        return {}
    return device


def _client(digest: str) -> tuple[str, bool]:
    """(the key the client is counted by, whether its browser is known to the account)."""
    device = _device()
    if digest in device.get("a", []) and isinstance(device.get("d"), str):
        return "d:" + device["d"], True
    return "a:" + _address(), False


def _keys(digest: str, client: str) -> dict[str, str]:
    prefix = current_app.config["THROTTLE_KEY_PREFIX"]
    return {"client": f"{prefix}client:{digest}:{client}",
            "address": f"{prefix}address:{_address()}",
            "account": f"{prefix}account:{digest}",
            "next": f"{prefix}next:{digest}"}


def _limit(name: str):
    return parse(current_app.config[name])


# ---------------------------------------------------------------- the rules


def attempt(account: str) -> int:
    """Reserve this client's try of a password for `account`: 0 when the password may be
    checked now, else how many seconds to wait (nothing is checked then). The try is counted
    before the check, atomically, so that guesses sent at the same moment cannot all pass
    one look at the counts; `succeeded` gives it back, `failed` keeps it."""
    digest = _digest(account)
    client, known = _client(digest)
    keys = _keys(digest, client)
    counts = _counts()
    per_client = _limit("LOGIN_LIMIT_PER_ACCOUNT")
    per_address = _limit("LOGIN_LIMIT_PER_ADDRESS")
    taken: list[str] = []

    def refuse(seconds: int) -> int:
        for key in taken:
            counts.decr(key)
        return max(1, seconds)

    tries = {"client": counts.incr(keys["client"], per_client.get_expiry())}
    taken.append(keys["client"])
    if tries["client"] > per_client.amount:
        return refuse(counts.ttl(keys["client"]))
    if not known:
        tries["address"] = counts.incr(keys["address"], per_address.get_expiry())
        taken.append(keys["address"])
        if tries["address"] > per_address.amount:
            return refuse(counts.ttl(keys["address"]))
        tries["account"] = counts.incr(keys["account"], _ACCOUNT_MEMORY_SECONDS, extend=True)
        taken.append(keys["account"])
        if tries["account"] > current_app.config["LOGIN_SLOWDOWN_AFTER"]:
            # Slowed down: one try at a time, and only once the wait after the last is over.
            now = int(clock.utcnow().timestamp())
            not_before = counts.claim(keys["next"], now, hold=_CLAIM_SECONDS)
            if not_before:
                return refuse(not_before - now)
    g.setdefault("throttle_tries", {})[digest] = tries
    return 0


def failed(account: str) -> None:
    """The password tried for `account` was wrong: the try stays counted (before the
    caller's commit: a limit reached is audited, once)."""
    digest = _digest(account)
    client, _known = _client(digest)
    keys = _keys(digest, client)
    counts = _counts()
    tries = g.get("throttle_tries", {}).pop(digest, {})
    after = current_app.config["LOGIN_SLOWDOWN_AFTER"]
    total = tries.get("account")
    if total is None:  # a browser known to the account: not slowed, but counted
        total = counts.incr(keys["account"], _ACCOUNT_MEMORY_SECONDS, extend=True)
    # The moment a limit is reached goes to the audit log once (not every refused attempt,
    # which an attacker could repeat to flood it), in the caller's transaction.
    for reached, at_limit in (
            ("client", tries.get("client") == _limit("LOGIN_LIMIT_PER_ACCOUNT").amount),
            ("address", tries.get("address") == _limit("LOGIN_LIMIT_PER_ADDRESS").amount),
            ("account", total == after)):
        if at_limit:
            record("login_throttled", email=normalise_email(account)[:254], limit=reached)
    if total >= after:
        delay = min(2 ** (total - after), current_app.config["LOGIN_SLOWDOWN_MAX_SECONDS"])
        now = int(clock.utcnow().timestamp())
        # The value (a time by the app's clock) decides when; the key only has to outlive it.
        counts.put(keys["next"], now + delay, delay + _CLAIM_SECONDS)
        log.warning("Wrong passwords for one account from many clients (%s in a row): "
                    "unknown browsers wait %s s", total, delay)


def succeeded(account: str) -> None:
    """The right password for `account`: this client's wrong ones are forgotten, and its
    browser is known to the account from now on (a cookie set on the response)."""
    digest = _digest(account)
    client, _known = _client(digest)
    keys = _keys(digest, client)
    counts = _counts()
    counts.delete(keys["client"])
    tries = g.get("throttle_tries", {}).pop(digest, {})
    if "address" in tries:  # the right password is no wrong one from the address
        counts.decr(keys["address"])
    if "account" in tries:
        counts.decr(keys["account"])
        counts.delete(keys["next"])
    device = _device()
    accounts = [a for a in device.get("a", []) if a != digest][-(_DEVICE_ACCOUNTS - 1):]
    value = _serializer().dumps({"d": device.get("d") or secrets.token_urlsafe(16),
                                 "a": [*accounts, digest]})
    config = current_app.config

    @after_this_request
    def remember_device(response):
        response.set_cookie(DEVICE_COOKIE, value, max_age=config["LOGIN_DEVICE_DAYS"] * 86400,
                            secure=config["SESSION_COOKIE_SECURE"], httponly=True,
                            samesite="Lax")
        return response


def wait_message(seconds: int) -> str:
    """What a throttled person reads, in whole minutes from one minute up."""
    if seconds < 60:
        return ngettext("För många försök med fel lösenord. Vänta %(num)s sekund och försök "
                        "igen, eller välj ”Glömt lösenord”.",
                        "För många försök med fel lösenord. Vänta %(num)s sekunder och "
                        "försök igen, eller välj ”Glömt lösenord”.", seconds)
    minutes = -(-seconds // 60)
    return ngettext("För många försök med fel lösenord. Vänta %(num)s minut och försök igen, "
                    "eller välj ”Glömt lösenord”.",
                    "För många försök med fel lösenord. Vänta %(num)s minuter och försök "
                    "igen, eller välj ”Glömt lösenord”.", minutes)
