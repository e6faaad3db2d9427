"""`python -m infra.contract`: write the OpenAPI document and the Postman collection generated from the code
(`make contract`); `--check` exits 1, naming the files, when a committed one differs from the code's."""

from __future__ import annotations

import sys

from infra.contract import generated


def main(argv: list[str]) -> int:
    stale = [path for path, text in generated.files().items() if not path.is_file() or path.read_text() != text]
    if "--check" in argv:
        for path in stale:
            sys.stderr.write(f"{path.relative_to(generated.ROOT)} is stale: run `make contract`\n")
        return 1 if stale else 0
    for path, text in generated.files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        sys.stdout.write(f"wrote {path.relative_to(generated.ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
