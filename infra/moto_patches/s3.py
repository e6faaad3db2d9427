"""S3 object writes as write boundaries (see `atomic`): every PUT, POST or DELETE request on a bucket or
an object runs under one lock of its own, and the objects its `put_object` / `delete_object` calls touched
(copies, multipart completions and multi-deletes go through them too) are handed to the listeners before
the answer leaves, with the metadata the request set after the put.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from infra.moto_patches import atomic

lock = threading.RLock()
_WRITE_METHODS = {"PUT", "POST", "DELETE"}


def install() -> None:
    from moto.s3.models import S3Backend
    from moto.s3.responses import S3Response

    for name in ("put_object", "delete_object"):
        original = getattr(S3Backend, name)

        @functools.wraps(original)
        def changes(
            self: Any, bucket_name: str, key_name: str, *args: Any, __original: Any = original, **kwargs: Any
        ) -> Any:
            try:
                return __original(self, bucket_name, key_name, *args, **kwargs)
            finally:
                atomic.record(atomic.ObjectChange(self, bucket_name, key_name))

        setattr(S3Backend, name, changes)

    for name in ("bucket_response", "key_response"):
        original = getattr(S3Response, name)

        @functools.wraps(original)
        def bounded(self: Any, request: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            if getattr(request, "method", "GET") not in _WRITE_METHODS:
                return __original(self, request, *args, **kwargs)
            with atomic.write_boundary(lock):
                return __original(self, request, *args, **kwargs)

        setattr(S3Response, name, bounded)
