"""The password policy, one rule for every place a password is set: the admin's user form, the
user's own 修改密码 screen and ``flask create-user``.

A password has at least :data:`MIN_LENGTH` characters, is not the username (nor contains it), and
is not in the shipped list of common passwords (``common_passwords.txt``, compared in lower case).
This module imports nothing of the tool's.
"""
from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 10
MAX_LENGTH = 200
COMMON_LIST = Path(__file__).resolve().parent / "common_passwords.txt"


@lru_cache(maxsize=1)
def common_passwords():
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip().lower() for ln in lines if ln.strip() and not ln.startswith("#"))


def problem(password, username=""):
    """Why ``password`` may not be used (a Chinese sentence), or None when it may."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return f"密码至少须有{MIN_LENGTH}个字符（现有{len(password)}个）。"
    if len(password) > MAX_LENGTH:
        return f"密码不能超过{MAX_LENGTH}个字符。"
    if not password.strip():
        return "密码不能全是空格。"
    name = (username or "").strip().lower()
    if name and (password.lower() == name or (len(name) >= 3 and name in password.lower())):
        return "密码不能是用户名，也不能包含用户名。"
    if password.lower() in common_passwords():
        return "这是一个常见密码，很容易被猜中，请换一个。"
    return None


RULE = f"至少{MIN_LENGTH}个字符；不能是或包含用户名；不能是常见密码（如 1234567890、password123）。"
