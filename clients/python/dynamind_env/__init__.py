"""Python client of the dynamind environment server (gRPC, package dynamind.env.v1).

    from dynamind_env import EnvClient, DynamindEnv, DynamindError

The generated stubs live in ``dynamind_env/_proto`` (see ``generate.sh``) and are
re-exported here as ``pb`` (requests and responses), ``pb_grpc`` (the service stub)
and ``types_pb`` (shared messages).
"""

from ._proto import env_service_pb2 as pb
from ._proto import env_service_pb2_grpc as pb_grpc
from ._proto import types_pb2 as types_pb
from .client import DynamindError, EnvClient, to_action
from .env import DynamindEnv

__all__ = [
    "DynamindEnv",
    "DynamindError",
    "EnvClient",
    "pb",
    "pb_grpc",
    "to_action",
    "types_pb",
]

try:  # the ``gym`` extra: register the Gymnasium ids when gymnasium is installed
    import gymnasium as _gymnasium  # noqa: F401
except ImportError:
    pass
else:
    from .gym_env import register_envs as _register_envs

    _register_envs()
