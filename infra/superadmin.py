"""Create the first superadmin of a deployed stack (the table starts empty on AWS).

    TABLE_NAME=<the stack's TableName output> NIOCHAT_ADMIN_PASSWORD=... \
        .venv/bin/python -m infra.superadmin --username admin --email admin@example.com

Writes through the niochat package with the caller's AWS credentials, exactly as the functions do. The
password comes from NIOCHAT_ADMIN_PASSWORD or a prompt, never from the command line (shell history).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys


def create(username: str, email: str, password: str, first_name: str = "Admin") -> dict:
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType

    if len(password) < 8:
        raise ValueError("A senha precisa de pelo menos 8 caracteres")
    return create_user(
        username=username,
        password=password,
        email=email,
        user_type=UserType.SUPERADMIN,
        provedor_id=None,
        first_name=first_name,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--username", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--first-name", default="Admin")
    args = parser.parse_args(argv)
    if not os.environ.get("TABLE_NAME"):
        parser.error("set TABLE_NAME to the stack's TableName output")
    password = os.environ.get("NIOCHAT_ADMIN_PASSWORD") or getpass.getpass("Senha do superadmin: ")
    try:
        user = create(args.username, args.email, password, args.first_name)
    except Exception as error:  # a CLI: say what went wrong and exit non-zero
        sys.stderr.write(f"superadmin not created: {error}\n")
        return 1
    sys.stdout.write(f"superadmin {user['username']} created with id {user['id']} in {os.environ['TABLE_NAME']}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
