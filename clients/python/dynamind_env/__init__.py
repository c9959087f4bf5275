"""Minimal Python client of the dynamind environment server (gRPC, package dynamind.env.v1).

    from dynamind_env import EnvClient, DynamindEnv, DynamindError

The generated stubs live in ``dynamind_env/_gen`` (see ``generate.sh``). They import
each other absolutely (``from dynamind.env.v1 import types_pb2``), so that folder is
put on ``sys.path`` here, before anything imports them.
"""

import os as _os
import sys as _sys

_GEN = _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "_gen")
if _GEN not in _sys.path:
    _sys.path.insert(0, _GEN)

from dynamind.env.v1 import env_service_pb2 as pb  # noqa: E402  (re-exported)
from dynamind.env.v1 import env_service_pb2_grpc as pb_grpc  # noqa: E402
from dynamind.env.v1 import types_pb2 as types_pb  # noqa: E402

from .client import DynamindError, EnvClient, to_action  # noqa: E402
from .env import DynamindEnv  # noqa: E402

__all__ = [
    "DynamindEnv",
    "DynamindError",
    "EnvClient",
    "pb",
    "pb_grpc",
    "to_action",
    "types_pb",
]
