from . import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ActionSequence(_message.Message):
    __slots__ = ["actions"]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    actions: _containers.RepeatedCompositeFieldContainer[_types_pb2.Action]
    def __init__(self, actions: _Optional[_Iterable[_Union[_types_pb2.Action, _Mapping]]] = ...) -> None: ...

class BatchStepItem(_message.Message):
    __slots__ = ["error", "result"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    error: _types_pb2.ErrorDetail
    result: _types_pb2.StepResult
    def __init__(self, result: _Optional[_Union[_types_pb2.StepResult, _Mapping]] = ..., error: _Optional[_Union[_types_pb2.ErrorDetail, _Mapping]] = ...) -> None: ...

class BatchStepRequest(_message.Message):
    __slots__ = ["steps"]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    steps: _containers.RepeatedCompositeFieldContainer[StepRequest]
    def __init__(self, steps: _Optional[_Iterable[_Union[StepRequest, _Mapping]]] = ...) -> None: ...

class BatchStepResponse(_message.Message):
    __slots__ = ["items"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[BatchStepItem]
    def __init__(self, items: _Optional[_Iterable[_Union[BatchStepItem, _Mapping]]] = ...) -> None: ...

class Branch(_message.Message):
    __slots__ = ["leaf_state", "steps"]
    LEAF_STATE_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    leaf_state: _types_pb2.StateHandle
    steps: _containers.RepeatedCompositeFieldContainer[_types_pb2.StepResult]
    def __init__(self, steps: _Optional[_Iterable[_Union[_types_pb2.StepResult, _Mapping]]] = ..., leaf_state: _Optional[_Union[_types_pb2.StateHandle, _Mapping]] = ...) -> None: ...

class CloneStateRequest(_message.Message):
    __slots__ = ["portable", "session_id"]
    PORTABLE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    portable: bool
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., portable: bool = ...) -> None: ...

class CloneStateResponse(_message.Message):
    __slots__ = ["handle", "portable_state"]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    PORTABLE_STATE_FIELD_NUMBER: _ClassVar[int]
    handle: _types_pb2.StateHandle
    portable_state: bytes
    def __init__(self, handle: _Optional[_Union[_types_pb2.StateHandle, _Mapping]] = ..., portable_state: _Optional[bytes] = ...) -> None: ...

class CloseSessionRequest(_message.Message):
    __slots__ = ["session_id"]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class CloseSessionResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ConnectRequest(_message.Message):
    __slots__ = ["batch_step", "clone_state", "close_session", "create_session", "expand", "expert_plan", "fork", "list_envs", "release_state", "request_id", "reset", "restore_state", "step"]
    BATCH_STEP_FIELD_NUMBER: _ClassVar[int]
    CLONE_STATE_FIELD_NUMBER: _ClassVar[int]
    CLOSE_SESSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_SESSION_FIELD_NUMBER: _ClassVar[int]
    EXPAND_FIELD_NUMBER: _ClassVar[int]
    EXPERT_PLAN_FIELD_NUMBER: _ClassVar[int]
    FORK_FIELD_NUMBER: _ClassVar[int]
    LIST_ENVS_FIELD_NUMBER: _ClassVar[int]
    RELEASE_STATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESET_FIELD_NUMBER: _ClassVar[int]
    RESTORE_STATE_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    batch_step: BatchStepRequest
    clone_state: CloneStateRequest
    close_session: CloseSessionRequest
    create_session: CreateSessionRequest
    expand: ExpandRequest
    expert_plan: ExpertPlanRequest
    fork: ForkRequest
    list_envs: ListEnvsRequest
    release_state: ReleaseStateRequest
    request_id: int
    reset: ResetRequest
    restore_state: RestoreStateRequest
    step: StepRequest
    def __init__(self, request_id: _Optional[int] = ..., list_envs: _Optional[_Union[ListEnvsRequest, _Mapping]] = ..., create_session: _Optional[_Union[CreateSessionRequest, _Mapping]] = ..., close_session: _Optional[_Union[CloseSessionRequest, _Mapping]] = ..., reset: _Optional[_Union[ResetRequest, _Mapping]] = ..., step: _Optional[_Union[StepRequest, _Mapping]] = ..., batch_step: _Optional[_Union[BatchStepRequest, _Mapping]] = ..., clone_state: _Optional[_Union[CloneStateRequest, _Mapping]] = ..., restore_state: _Optional[_Union[RestoreStateRequest, _Mapping]] = ..., release_state: _Optional[_Union[ReleaseStateRequest, _Mapping]] = ..., fork: _Optional[_Union[ForkRequest, _Mapping]] = ..., expand: _Optional[_Union[ExpandRequest, _Mapping]] = ..., expert_plan: _Optional[_Union[ExpertPlanRequest, _Mapping]] = ...) -> None: ...

class ConnectResponse(_message.Message):
    __slots__ = ["batch_step", "clone_state", "close_session", "create_session", "error", "expand", "expert_plan", "fork", "list_envs", "release_state", "request_id", "reset", "restore_state", "step"]
    BATCH_STEP_FIELD_NUMBER: _ClassVar[int]
    CLONE_STATE_FIELD_NUMBER: _ClassVar[int]
    CLOSE_SESSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_SESSION_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    EXPAND_FIELD_NUMBER: _ClassVar[int]
    EXPERT_PLAN_FIELD_NUMBER: _ClassVar[int]
    FORK_FIELD_NUMBER: _ClassVar[int]
    LIST_ENVS_FIELD_NUMBER: _ClassVar[int]
    RELEASE_STATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESET_FIELD_NUMBER: _ClassVar[int]
    RESTORE_STATE_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    batch_step: BatchStepResponse
    clone_state: CloneStateResponse
    close_session: CloseSessionResponse
    create_session: CreateSessionResponse
    error: _types_pb2.ErrorDetail
    expand: ExpandResponse
    expert_plan: ExpertPlanResponse
    fork: ForkResponse
    list_envs: ListEnvsResponse
    release_state: ReleaseStateResponse
    request_id: int
    reset: ResetResponse
    restore_state: RestoreStateResponse
    step: StepResponse
    def __init__(self, request_id: _Optional[int] = ..., error: _Optional[_Union[_types_pb2.ErrorDetail, _Mapping]] = ..., list_envs: _Optional[_Union[ListEnvsResponse, _Mapping]] = ..., create_session: _Optional[_Union[CreateSessionResponse, _Mapping]] = ..., close_session: _Optional[_Union[CloseSessionResponse, _Mapping]] = ..., reset: _Optional[_Union[ResetResponse, _Mapping]] = ..., step: _Optional[_Union[StepResponse, _Mapping]] = ..., batch_step: _Optional[_Union[BatchStepResponse, _Mapping]] = ..., clone_state: _Optional[_Union[CloneStateResponse, _Mapping]] = ..., restore_state: _Optional[_Union[RestoreStateResponse, _Mapping]] = ..., release_state: _Optional[_Union[ReleaseStateResponse, _Mapping]] = ..., fork: _Optional[_Union[ForkResponse, _Mapping]] = ..., expand: _Optional[_Union[ExpandResponse, _Mapping]] = ..., expert_plan: _Optional[_Union[ExpertPlanResponse, _Mapping]] = ...) -> None: ...

class CreateSessionRequest(_message.Message):
    __slots__ = ["config_json", "env_id", "max_steps", "observation_kinds", "observation_options"]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    ENV_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_STEPS_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_KINDS_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    config_json: str
    env_id: str
    max_steps: int
    observation_kinds: _containers.RepeatedScalarFieldContainer[_types_pb2.ObservationKind]
    observation_options: _types_pb2.ObservationOptions
    def __init__(self, env_id: _Optional[str] = ..., config_json: _Optional[str] = ..., observation_kinds: _Optional[_Iterable[_Union[_types_pb2.ObservationKind, str]]] = ..., max_steps: _Optional[int] = ..., observation_options: _Optional[_Union[_types_pb2.ObservationOptions, _Mapping]] = ...) -> None: ...

class CreateSessionResponse(_message.Message):
    __slots__ = ["session_id", "spec"]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    spec: _types_pb2.EnvSpec
    def __init__(self, session_id: _Optional[str] = ..., spec: _Optional[_Union[_types_pb2.EnvSpec, _Mapping]] = ...) -> None: ...

class ExpandOptions(_message.Message):
    __slots__ = ["known_text_hash", "known_valid_actions_hash", "leaf_observations_only", "observation_options", "return_leaf_states"]
    KNOWN_TEXT_HASH_FIELD_NUMBER: _ClassVar[int]
    KNOWN_VALID_ACTIONS_HASH_FIELD_NUMBER: _ClassVar[int]
    LEAF_OBSERVATIONS_ONLY_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    RETURN_LEAF_STATES_FIELD_NUMBER: _ClassVar[int]
    known_text_hash: int
    known_valid_actions_hash: int
    leaf_observations_only: bool
    observation_options: _types_pb2.ObservationOptions
    return_leaf_states: bool
    def __init__(self, return_leaf_states: bool = ..., leaf_observations_only: bool = ..., observation_options: _Optional[_Union[_types_pb2.ObservationOptions, _Mapping]] = ..., known_valid_actions_hash: _Optional[int] = ..., known_text_hash: _Optional[int] = ...) -> None: ...

class ExpandRequest(_message.Message):
    __slots__ = ["from_handle_id", "options", "sequences", "session_id"]
    FROM_HANDLE_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    SEQUENCES_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    from_handle_id: str
    options: ExpandOptions
    sequences: _containers.RepeatedCompositeFieldContainer[ActionSequence]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., from_handle_id: _Optional[str] = ..., sequences: _Optional[_Iterable[_Union[ActionSequence, _Mapping]]] = ..., options: _Optional[_Union[ExpandOptions, _Mapping]] = ...) -> None: ...

class ExpandResponse(_message.Message):
    __slots__ = ["branches"]
    BRANCHES_FIELD_NUMBER: _ClassVar[int]
    branches: _containers.RepeatedCompositeFieldContainer[Branch]
    def __init__(self, branches: _Optional[_Iterable[_Union[Branch, _Mapping]]] = ...) -> None: ...

class ExpertPlanRequest(_message.Message):
    __slots__ = ["from_handle_id", "session_id"]
    FROM_HANDLE_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    from_handle_id: str
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., from_handle_id: _Optional[str] = ...) -> None: ...

class ExpertPlanResponse(_message.Message):
    __slots__ = ["actions", "reaches_goal"]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    REACHES_GOAL_FIELD_NUMBER: _ClassVar[int]
    actions: _containers.RepeatedCompositeFieldContainer[_types_pb2.Action]
    reaches_goal: bool
    def __init__(self, actions: _Optional[_Iterable[_Union[_types_pb2.Action, _Mapping]]] = ..., reaches_goal: bool = ...) -> None: ...

class ForkRequest(_message.Message):
    __slots__ = ["handle_id", "portable_state", "session_id"]
    HANDLE_ID_FIELD_NUMBER: _ClassVar[int]
    PORTABLE_STATE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    handle_id: str
    portable_state: bytes
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., handle_id: _Optional[str] = ..., portable_state: _Optional[bytes] = ...) -> None: ...

class ForkResponse(_message.Message):
    __slots__ = ["result", "session_id", "spec"]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    result: _types_pb2.StepResult
    session_id: str
    spec: _types_pb2.EnvSpec
    def __init__(self, session_id: _Optional[str] = ..., spec: _Optional[_Union[_types_pb2.EnvSpec, _Mapping]] = ..., result: _Optional[_Union[_types_pb2.StepResult, _Mapping]] = ...) -> None: ...

class ListEnvsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListEnvsResponse(_message.Message):
    __slots__ = ["envs"]
    ENVS_FIELD_NUMBER: _ClassVar[int]
    envs: _containers.RepeatedCompositeFieldContainer[_types_pb2.EnvSpec]
    def __init__(self, envs: _Optional[_Iterable[_Union[_types_pb2.EnvSpec, _Mapping]]] = ...) -> None: ...

class ReleaseStateRequest(_message.Message):
    __slots__ = ["handle_ids"]
    HANDLE_IDS_FIELD_NUMBER: _ClassVar[int]
    handle_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, handle_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ReleaseStateResponse(_message.Message):
    __slots__ = ["released"]
    RELEASED_FIELD_NUMBER: _ClassVar[int]
    released: int
    def __init__(self, released: _Optional[int] = ...) -> None: ...

class ResetRequest(_message.Message):
    __slots__ = ["known_text_hash", "known_valid_actions_hash", "observation_options", "options_json", "seed", "session_id"]
    KNOWN_TEXT_HASH_FIELD_NUMBER: _ClassVar[int]
    KNOWN_VALID_ACTIONS_HASH_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    known_text_hash: int
    known_valid_actions_hash: int
    observation_options: _types_pb2.ObservationOptions
    options_json: str
    seed: int
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., seed: _Optional[int] = ..., options_json: _Optional[str] = ..., observation_options: _Optional[_Union[_types_pb2.ObservationOptions, _Mapping]] = ..., known_valid_actions_hash: _Optional[int] = ..., known_text_hash: _Optional[int] = ...) -> None: ...

class ResetResponse(_message.Message):
    __slots__ = ["result"]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _types_pb2.StepResult
    def __init__(self, result: _Optional[_Union[_types_pb2.StepResult, _Mapping]] = ...) -> None: ...

class RestoreStateRequest(_message.Message):
    __slots__ = ["handle_id", "known_text_hash", "known_valid_actions_hash", "observation_options", "portable_state", "session_id"]
    HANDLE_ID_FIELD_NUMBER: _ClassVar[int]
    KNOWN_TEXT_HASH_FIELD_NUMBER: _ClassVar[int]
    KNOWN_VALID_ACTIONS_HASH_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    PORTABLE_STATE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    handle_id: str
    known_text_hash: int
    known_valid_actions_hash: int
    observation_options: _types_pb2.ObservationOptions
    portable_state: bytes
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., handle_id: _Optional[str] = ..., portable_state: _Optional[bytes] = ..., observation_options: _Optional[_Union[_types_pb2.ObservationOptions, _Mapping]] = ..., known_valid_actions_hash: _Optional[int] = ..., known_text_hash: _Optional[int] = ...) -> None: ...

class RestoreStateResponse(_message.Message):
    __slots__ = ["result"]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _types_pb2.StepResult
    def __init__(self, result: _Optional[_Union[_types_pb2.StepResult, _Mapping]] = ...) -> None: ...

class StepRequest(_message.Message):
    __slots__ = ["action", "known_text_hash", "known_valid_actions_hash", "observation_options", "session_id"]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    KNOWN_TEXT_HASH_FIELD_NUMBER: _ClassVar[int]
    KNOWN_VALID_ACTIONS_HASH_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    action: _types_pb2.Action
    known_text_hash: int
    known_valid_actions_hash: int
    observation_options: _types_pb2.ObservationOptions
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., action: _Optional[_Union[_types_pb2.Action, _Mapping]] = ..., observation_options: _Optional[_Union[_types_pb2.ObservationOptions, _Mapping]] = ..., known_valid_actions_hash: _Optional[int] = ..., known_text_hash: _Optional[int] = ...) -> None: ...

class StepResponse(_message.Message):
    __slots__ = ["result"]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _types_pb2.StepResult
    def __init__(self, result: _Optional[_Union[_types_pb2.StepResult, _Mapping]] = ...) -> None: ...
